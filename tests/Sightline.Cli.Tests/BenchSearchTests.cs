namespace Sightline.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BenchSearchTests
{
    [Fact]
    public void Bench_search_reports_latency_memory_and_full_recall_of_the_exact_index()
    {
        var json = SightlineCli.Run("bench", "search", "--faces", "4000", "--queries", "20", "--json").Json();
        Assert.Equal(4000, json.GetProperty("faces").GetInt32());
        Assert.Equal(512, json.GetProperty("dimension").GetInt32());
        Assert.True(json.GetProperty("p50Ms").GetDouble() > 0);
        Assert.True(json.GetProperty("p99Ms").GetDouble() >= json.GetProperty("p50Ms").GetDouble());
        Assert.InRange(json.GetProperty("codeBytesPerFace").GetDouble(), 512, 1100);
        Assert.Equal(1.0, json.GetProperty("recallAt1").GetDouble());
        Assert.Equal(1.0, json.GetProperty("recallAt10").GetDouble());
    }

    [Fact]
    public void Bench_search_rejects_bad_sizes()
    {
        var r = SightlineCli.Run("bench", "search", "--faces", "5");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--faces", r.Stderr, StringComparison.Ordinal);
    }
}
