using System.Globalization;
using System.Text.Json;
using Sightline.Imaging;

namespace Sightline.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class EvalCommandTests
{
    private static void HasKeys(JsonElement json, params string[] keys)
    {
        foreach (var k in keys)
            Assert.True(json.TryGetProperty(k, out _), $"key '{k}' missing in {json}");
    }

    [Fact]
    public void Verify_prints_camelCase_metrics()
    {
        using var dir = new TempDir();
        dir.Copy(SightlineCli.Fixture("sample1"), "a.jpg");
        dir.Copy(SightlineCli.Fixture("sample1"), "a-copy.jpg");
        dir.Copy(SightlineCli.Fixture("sample4"), "b.jpg");
        string csv = dir.Write("pairs.csv", "file1,file2,same\na.jpg,a-copy.jpg,1\na.jpg,b.jpg,0\n");

        var json = SightlineCli.Run("eval", "verify", "--pairs", csv, "--json").Json();
        HasKeys(json, "pairs", "noFace", "accuracy", "bestAccuracy", "tarAtFar1e2", "tarAtFar1e3", "eer");
        Assert.False(json.TryGetProperty("Pairs", out _), "keys must be camelCase");
        Assert.Equal(2, json.GetProperty("pairs").GetInt32());
        Assert.Equal(0, json.GetProperty("noFace").GetInt32());
        Assert.Equal(1.0, json.GetProperty("accuracy").GetDouble());
        Assert.Equal(0.0, json.GetProperty("eer").GetDouble());
    }

    [Fact]
    public void Group_figures_reach_the_accountability_report_with_the_model_hashes()
    {
        using var dir = new TempDir();
        using var data = new TempDir();
        dir.Copy(SightlineCli.Fixture("sample1"), "a.jpg");
        dir.Copy(SightlineCli.Fixture("sample1"), "a-copy.jpg");
        dir.Copy(SightlineCli.Fixture("sample4"), "b.jpg");
        dir.Copy(SightlineCli.Fixture("sample4"), "b-copy.jpg");
        string csv = dir.Write("pairs.csv", "file1,file2,same,region\na.jpg,a-copy.jpg,1,east\na.jpg,b.jpg,0,east\nb.jpg,b-copy.jpg,1,west\n");

        var json = SightlineCli.Run("eval", "verify", "--pairs", csv, "--group-column", "region", "--json", "--data", data.Path).Json();
        var groups = json.GetProperty("groups");
        Assert.Equal((2, 1), (groups.GetProperty("east").GetProperty("pairs").GetInt32(), groups.GetProperty("west").GetProperty("pairs").GetInt32()));
        Assert.Equal((1, 0), (groups.GetProperty("east").GetProperty("impostor").GetInt32(), groups.GetProperty("west").GetProperty("impostor").GetInt32()));

        var missing = SightlineCli.Run("eval", "verify", "--pairs", csv, "--group-column", "ethnicity", "--data", data.Path);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ethnicity", missing.Stderr, StringComparison.Ordinal);

        string report = Path.Combine(data.Path, "report.md");
        var written = SightlineCli.Run("report", "accountability", "--out", report, "--data", data.Path);
        Assert.True(written.ExitCode == 0, written.ToString());
        string md = File.ReadAllText(report);
        Assert.Contains("## 4. Measured accuracy", md, StringComparison.Ordinal);
        Assert.Contains("### verify", md, StringComparison.Ordinal);
        Assert.Contains("| east | 2 | 1 | 1 |", md, StringComparison.Ordinal); // pairs, genuine, impostor per group
        Assert.Contains("87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581", md, StringComparison.Ordinal); // the embedder's sha256
        Assert.Contains("Identification threshold floor: **99**", md, StringComparison.Ordinal);
        Assert.Contains("Verified intact", md, StringComparison.Ordinal);

        var csvReport = SightlineCli.Run("report", "transparency", "--csv", "--data", data.Path);
        Assert.True(csvReport.ExitCode == 0, csvReport.ToString());
        Assert.StartsWith("section,name,value", csvReport.Stdout, StringComparison.Ordinal);
        var badPeriod = SightlineCli.Run("report", "transparency", "--from", "yesterday", "--data", data.Path);
        Assert.NotEqual(0, badPeriod.ExitCode);
        Assert.Contains("--from", badPeriod.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Identify_prints_rank1()
    {
        using var dir = new TempDir();
        dir.Copy(SightlineCli.Fixture("sample1"), "a1.jpg");
        dir.Copy(SightlineCli.Fixture("sample1"), "a2.jpg");
        dir.Copy(SightlineCli.Fixture("sample4"), "b1.jpg");
        dir.Copy(SightlineCli.Fixture("sample4"), "b2.jpg");
        string csv = dir.Write("ids.csv", "file,identity\na1.jpg,alice\nb1.jpg,beth\na2.jpg,alice\nb2.jpg,beth\n");

        var json = SightlineCli.Run("eval", "identify", "--identities", csv, "--json").Json();
        HasKeys(json, "rank1", "tpirAtFpir1e2", "probes", "noFace");
        Assert.Equal(2, json.GetProperty("probes").GetInt32());
        Assert.Equal(1.0, json.GetProperty("rank1").GetDouble());
    }

    [Fact]
    public void Detect_against_boxes_from_faces_detect()
    {
        string image = SightlineCli.Fixture("sample1");
        var header = ImageHeaderReader.Read(File.ReadAllBytes(image));
        var faces = SightlineCli.Run("faces", "detect", image, "--json").Json().GetProperty("FaceDetails");
        using var dir = new TempDir();
        dir.Copy(image, "s1.jpg");
        var rows = faces.EnumerateArray().Select(f =>
        {
            var b = f.GetProperty("BoundingBox");
            double x = b.GetProperty("Left").GetDouble() * header.Width, y = b.GetProperty("Top").GetDouble() * header.Height;
            double w = b.GetProperty("Width").GetDouble() * header.Width, h = b.GetProperty("Height").GetDouble() * header.Height;
            return string.Create(CultureInfo.InvariantCulture, $"s1.jpg,{x:F1},{y:F1},{w:F1},{h:F1}");
        });
        string csv = dir.Write("boxes.csv", "file,x,y,w,h\n" + string.Join('\n', rows) + "\n");

        var json = SightlineCli.Run("eval", "detect", "--boxes", csv, "--json").Json();
        HasKeys(json, "recall", "precision", "faces", "detections", "matched");
        Assert.Equal(3, json.GetProperty("faces").GetInt32());
        Assert.Equal(1.0, json.GetProperty("recall").GetDouble());
        Assert.Equal(1.0, json.GetProperty("precision").GetDouble());
    }

    [Theory]
    [InlineData("verify", "--pairs", "file1,file2\na.jpg,a.jpg\n")]
    [InlineData("identify", "--identities", "file,name\na.jpg,alice\n")]
    [InlineData("detect", "--boxes", "file,x,y,w\na.jpg,1,2,3\n")]
    public void Csv_missing_a_column_fails(string command, string option, string content)
    {
        using var dir = new TempDir();
        dir.Copy(SightlineCli.Fixture("sample1"), "a.jpg");
        string csv = dir.Write("bad.csv", content);
        var r = SightlineCli.Run("eval", command, option, csv, "--json");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("column", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Csv_naming_a_missing_image_fails()
    {
        using var dir = new TempDir();
        string csv = dir.Write("pairs.csv", "file1,file2,same\nnope.jpg,nope2.jpg,1\n");
        var r = SightlineCli.Run("eval", "verify", "--pairs", csv);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("nope.jpg", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Impostors_scores_every_pair_of_faces_within_each_photo()
    {
        // sample1 has 3 faces (3 pairs) and sample4 has 4 (6 pairs), all at least 48 px.
        var json = SightlineCli.Run("eval", "impostors", SightlineCli.Fixture("sample1"), SightlineCli.Fixture("sample4"), "--json").Json();
        Assert.Equal(2, json.GetProperty("images").GetInt32());
        Assert.Equal(7, json.GetProperty("faces").GetInt32());
        Assert.Equal(9, json.GetProperty("pairs").GetInt32());
        Assert.InRange(json.GetProperty("falseMatchRate").GetProperty("99").GetDouble(), 0, 0);
    }
}
