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
    public void Bench_search_sweeps_ef_on_one_graph_and_resumes_from_its_checkpoint()
    {
        string dir = Directory.CreateTempSubdirectory("sightline-bench-").FullName;
        try
        {
            string checkpoint = Path.Combine(dir, "graph.hnsw");
            string[] args = ["bench", "search", "--faces", "3000", "--queries", "20", "--index", "hnsw", "--ef", "64,256", "--checkpoint", checkpoint, "--json"];
            var built = SightlineCli.Run(args).Json();
            Assert.False(built.GetProperty("resumedFromCheckpoint").GetBoolean());
            var sweep = built.GetProperty("sweep").EnumerateArray().ToList();
            Assert.Equal([64, 256], sweep.Select(r => r.GetProperty("ef").GetInt32()));
            Assert.Equal(sweep[0].GetProperty("recallAt1").GetDouble(), built.GetProperty("recallAt1").GetDouble());
            Assert.True(File.Exists(checkpoint));

            var resumed = SightlineCli.Run(args).Json();
            Assert.True(resumed.GetProperty("resumedFromCheckpoint").GetBoolean());
            Assert.Equal(built.GetProperty("recallAt10").GetDouble(), resumed.GetProperty("recallAt10").GetDouble());

            var other = SightlineCli.Run([.. args[..^1], "--m", "8"]);
            Assert.NotEqual(0, other.ExitCode);
            Assert.Contains("--checkpoint", other.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Bench_search_rejects_bad_sizes()
    {
        var r = SightlineCli.Run("bench", "search", "--faces", "5");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--faces", r.Stderr, StringComparison.Ordinal);
    }
}
