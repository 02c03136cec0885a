namespace Sightline.Cli.Tests;

/// <summary>README: "Errors are one line on stderr; exit code 2 for bad input (arguments, files, images), 3 for a missing or corrupt model."</summary>
[Collection(CliCollection.Name)]
public sealed class ExitCodeTests
{
    [Fact]
    public void Missing_image_is_bad_input_exit_2_with_one_line()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.jpg");
        var r = SightlineCli.Run("faces", "detect", missing);
        Assert.True(r.ExitCode == 2 && r.Stderr.Trim().Split('\n').Length == 1, r.ToString());
    }

    [Fact]
    public void Missing_models_exit_3_with_one_line()
    {
        using var dir = new TempDir();
        var r = SightlineCli.Run("--models", dir.Path, "faces", "detect", SightlineCli.Fixture("sample1"));
        Assert.True(r.ExitCode == 3 && r.Stderr.Trim().Split('\n').Length == 1, r.ToString());
    }

    [Fact]
    public void Models_list_on_an_empty_directory_exits_3()
    {
        using var dir = new TempDir();
        Assert.Equal(3, SightlineCli.Run("--models", dir.Path, "models", "list").ExitCode);
    }
}
