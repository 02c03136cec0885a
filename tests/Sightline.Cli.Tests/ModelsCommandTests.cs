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
}
