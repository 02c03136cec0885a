using Sightline.Models;

namespace Sightline.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ModelsCommandTests
{
    [Fact]
    public void List_succeeds_when_the_pack_is_present()
    {
        _ = SightlineCli.Fixture("sample1");
        var r = SightlineCli.Run("models", "list");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("ultraface-rfb320", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("verified", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void List_fails_on_an_empty_models_directory()
    {
        using var dir = new TempDir();
        var r = SightlineCli.Run("--models", dir.Path, "models", "list");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("sightline models fetch", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_with_an_empty_models_directory_names_the_fix()
    {
        using var dir = new TempDir();
        var r = SightlineCli.Run("--models", dir.Path, "faces", "detect", SightlineCli.Fixture("sample1"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("sightline models fetch", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_detector_id_fails()
    {
        var r = SightlineCli.Run("--detector", "no-such-detector", "faces", "detect", SightlineCli.Fixture("sample1"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no-such-detector", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_succeeds()
    {
        var r = SightlineCli.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("faces", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_tfjs_writes_an_onnx_model_and_reports_it()
    {
        _ = SightlineCli.Fixture("sample1");
        string source = Path.Combine(ModelPaths.DefaultModelsDirectory, "emotion.json");
        using var dir = new TempDir();
        string target = Path.Combine(dir.Path, "emotion.onnx");
        var json = SightlineCli.Run("models", "import", "tfjs", source, "--out", target, "--json").Json();
        Assert.True(File.Exists(target));
        Assert.Equal(ModelIntegrity.Sha256Hex(target), json.GetProperty("sha256").GetString());
        Assert.Equal(10, json.GetProperty("opCount").GetInt32());
        var output = json.GetProperty("outputs")[0];
        Assert.Equal("Identity", output.GetProperty("name").GetString());
        Assert.Equal([1L, 7], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.True(json.GetProperty("ortMilliseconds").GetDouble() > 0);
    }

    [Fact]
    public void Import_tfjs_with_a_truncated_shard_fails_with_one_line()
    {
        _ = SightlineCli.Fixture("sample1");
        using var dir = new TempDir();
        File.Copy(Path.Combine(ModelPaths.DefaultModelsDirectory, "emotion.json"), Path.Combine(dir.Path, "emotion.json"));
        File.WriteAllBytes(Path.Combine(dir.Path, "emotion.bin"), File.ReadAllBytes(Path.Combine(ModelPaths.DefaultModelsDirectory, "emotion.bin"))[..1000]);
        var r = SightlineCli.Run("models", "import", "tfjs", Path.Combine(dir.Path, "emotion.json"), "--out", Path.Combine(dir.Path, "x.onnx"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("truncated", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir.Path, "x.onnx")));
    }
}
