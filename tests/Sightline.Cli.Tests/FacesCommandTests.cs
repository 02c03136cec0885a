using System.Text.Json;

namespace Sightline.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class FacesCommandTests
{
    private static void HasNumbers(JsonElement e, params string[] names)
    {
        foreach (var n in names)
            Assert.True(e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number, $"{n} missing or not a number in {e}");
    }

    [Fact]
    public void Detect_json_has_Rekognitions_shape_without_attributes()
    {
        var json = SightlineCli.Run("faces", "detect", SightlineCli.Fixture("sample1"), "--json").Json();
        var faces = json.GetProperty("FaceDetails");
        Assert.Equal(3, faces.GetArrayLength());
        foreach (var f in faces.EnumerateArray())
        {
            HasNumbers(f.GetProperty("BoundingBox"), "Width", "Height", "Left", "Top");
            HasNumbers(f, "Confidence");
            HasNumbers(f.GetProperty("Pose"), "Roll", "Yaw", "Pitch");
            HasNumbers(f.GetProperty("Quality"), "Brightness", "Sharpness");
            var landmarks = f.GetProperty("Landmarks");
            Assert.Equal(30, landmarks.GetArrayLength());
            Assert.All(landmarks.EnumerateArray(), l =>
            {
                Assert.Equal(JsonValueKind.String, l.GetProperty("Type").ValueKind);
                HasNumbers(l, "X", "Y");
            });
            foreach (var absent in new[] { "AgeRange", "Gender", "Emotions", "Smile", "EyesOpen", "MouthOpen" })
                Assert.False(f.TryGetProperty(absent, out _), $"{absent} present without --attributes all");
        }
        Assert.False(json.TryGetProperty("OrientationCorrection", out _));
    }

    [Fact]
    public void Detect_with_all_attributes_reports_them()
    {
        var json = SightlineCli.Run("faces", "detect", SightlineCli.Fixture("sample1"), "--attributes", "all", "--json").Json();
        foreach (var f in json.GetProperty("FaceDetails").EnumerateArray())
        {
            var age = f.GetProperty("AgeRange");
            HasNumbers(age, "Low", "High");
            Assert.True(age.GetProperty("Low").GetInt32() < age.GetProperty("High").GetInt32());
            Assert.Contains(f.GetProperty("Gender").GetProperty("Value").GetString(), new[] { "Male", "Female" });
            HasNumbers(f.GetProperty("Gender"), "Confidence");
            Assert.Equal(7, f.GetProperty("Emotions").GetArrayLength());
            foreach (var flag in new[] { "Smile", "EyesOpen", "MouthOpen" })
                Assert.Contains(f.GetProperty(flag).GetProperty("Value").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        }
    }

    [Fact]
    public void Compare_an_image_with_itself()
    {
        string img = SightlineCli.Fixture("sample1");
        var json = SightlineCli.Run("faces", "compare", img, img, "--json").Json();
        HasNumbers(json.GetProperty("SourceImageFace").GetProperty("BoundingBox"), "Width", "Height", "Left", "Top");
        var matches = json.GetProperty("FaceMatches");
        Assert.True(matches.GetArrayLength() >= 1);
        Assert.True(matches[0].GetProperty("Similarity").GetSingle() > 99, matches[0].ToString());
        HasNumbers(matches[0].GetProperty("Face"), "Confidence");
        Assert.Equal(JsonValueKind.Array, json.GetProperty("UnmatchedFaces").ValueKind);
    }

    [Fact]
    public void Compare_with_threshold_150_fails_with_one_line()
    {
        string img = SightlineCli.Fixture("sample1");
        var r = SightlineCli.Run("faces", "compare", img, img, "--threshold", "150");
        Assert.NotEqual(0, r.ExitCode);
        string err = r.Stderr.Trim();
        Assert.Contains("threshold", err, StringComparison.OrdinalIgnoreCase);
        Assert.True(err.Split('\n').Length == 1, $"stderr is not one line:\n{r.Stderr}");
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void Missing_image_file_is_named_on_stderr()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.jpg");
        var r = SightlineCli.Run("faces", "detect", missing, "--json");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(Path.GetFileName(missing), r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout.Trim());
    }

    [Fact]
    public void Text_file_as_image_mentions_the_format()
    {
        using var dir = new TempDir();
        string text = dir.Write("notes.jpg", "this is not an image\n");
        var r = SightlineCli.Run("faces", "detect", text);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Matches("(?i)jpeg|png|format", r.Stderr);
        Assert.True(r.Stderr.Trim().Split('\n').Length == 1, $"stderr is not one line:\n{r.Stderr}");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("faces", "detect", "x.jpg", "--no-such-option")]
    [InlineData("faces", "detect", "x.jpg", "--attributes", "some")]
    [InlineData("faces", "compare", "only-one.jpg")]
    public void Unknown_commands_and_options_fail(params string[] args) =>
        Assert.NotEqual(0, SightlineCli.Run(args).ExitCode);
}
