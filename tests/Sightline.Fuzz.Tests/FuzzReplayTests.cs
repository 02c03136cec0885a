using Sightline.Fuzz;
using Sightline.Server;

namespace Sightline.Fuzz.Tests;

/// <summary>
/// Keeps the fuzz targets honest without AFL: every seed input and every input that once crashed a target
/// (fuzz/regressions/TARGET) runs through the target in-process and may end only in a documented refusal.
/// </summary>
public sealed class FuzzReplayTests
{
    private static readonly string s_fuzz = Path.Combine(RepoRoot(), "fuzz");

    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seed_corpus_raises_only_documented_refusals(string target)
    {
        string dir = Path.Combine(s_fuzz, "corpus", target);
        Assert.NotEmpty(Directory.GetFiles(dir));
        Assert.Empty(Replay.Run(FuzzTargets.Create(target), dir));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Regression_inputs_raise_only_documented_refusals(string target) =>
        Assert.Empty(Replay.Run(FuzzTargets.Create(target), Path.Combine(s_fuzz, "regressions", target)));

    [Fact]
    public void Seed_corpus_stays_small()
    {
        var files = Directory.GetFiles(Path.Combine(s_fuzz, "corpus"), "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        Assert.All(files, f => Assert.True(f.Length <= 8 * 1024, $"{f.Name} is {f.Length} bytes"));
        Assert.True(files.Sum(f => f.Length) < 200 * 1024);
    }

    [Fact]
    public void Every_aws_operation_has_a_selector_and_a_seed()
    {
        foreach (string operation in RequestsTarget.Operations)
        {
            _ = RekognitionRequestReader.RequestType(operation);
            byte[] seed = File.ReadAllBytes(Path.Combine(s_fuzz, "corpus", "requests", operation + ".json"));
            Assert.Equal(RequestsTarget.Selector(operation), seed[0]);
        }
    }

    [Fact]
    public void Seeds_reach_the_end_of_each_parser()
    {
        var accepted = new List<string>();
        FuzzTargets.Trace = accepted.Add;
        try
        {
            foreach (string target in FuzzTargets.Names)
                Replay.Run(FuzzTargets.Create(target), Path.Combine(s_fuzz, "corpus", target));
        }
        finally
        {
            FuzzTargets.Trace = null;
        }
        // A signed request verifies, a bearer token authenticates, an image decodes, and every request body reads.
        Assert.Contains("  sigv4: accepted", accepted);
        Assert.Contains("  bearer: accepted", accepted);
        Assert.Contains(accepted, line => line.StartsWith("  decode ", StringComparison.Ordinal) && line.EndsWith(": accepted", StringComparison.Ordinal));
        foreach (string name in RequestsTarget.Operations.Concat(RequestsTarget.NativeBodies.Select(t => t.Name)))
            Assert.Contains($"  {name}: accepted", accepted);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sightline.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Sightline.slnx was not found above the test's directory.");
    }
}
