using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenCvSharp;

namespace Sightline.Cli.Tests;

/// <summary>DetectText with the real PP-OCR models on rendered pages, through the CLI and both server APIs.</summary>
[Collection(CliCollection.Name)]
public sealed class TextTests
{
    private static readonly string[] s_lines = ["SIGHTLINE READS TEXT", "Case 2026 file 417"];

    /// <summary>A white page with two lines of black print, optionally turned upside down.</summary>
    private static string Page(TempDir dir, string name, bool upsideDown = false)
    {
        using var page = new Mat(420, 1400, MatType.CV_8UC3, OpenCvSharp.Scalar.All(255));
        Cv2.PutText(page, s_lines[0], new OpenCvSharp.Point(60, 150), HersheyFonts.HersheyDuplex, 2.4, OpenCvSharp.Scalar.All(0), 4, LineTypes.AntiAlias);
        Cv2.PutText(page, s_lines[1], new OpenCvSharp.Point(60, 320), HersheyFonts.HersheyDuplex, 2.4, OpenCvSharp.Scalar.All(0), 4, LineTypes.AntiAlias);
        if (upsideDown)
            Cv2.Rotate(page, page, RotateFlags.Rotate180);
        string path = Path.Combine(dir.Path, name);
        Cv2.ImWrite(path, page);
        return path;
    }

    private static string Squash(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant)]);

    private static List<JsonElement> Lines(JsonElement response) =>
        [.. response.GetProperty("TextDetections").EnumerateArray().Where(d => d.GetProperty("Type").GetString() == "LINE")];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Text_detect_reads_lines_and_words_in_order_even_upside_down(bool upsideDown)
    {
        using var dir = new TempDir();
        var result = SightlineCli.Run("text", "detect", Page(dir, "page.png", upsideDown), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var response = result.Json();
        var lines = Lines(response);
        Assert.Equal(s_lines.Select(Squash), lines.Select(l => Squash(l.GetProperty("DetectedText").GetString()!)));
        var words = response.GetProperty("TextDetections").EnumerateArray().Where(d => d.GetProperty("Type").GetString() == "WORD").ToList();
        Assert.Equal(["SIGHTLINE", "READS", "TEXT"], words.Where(w => w.GetProperty("ParentId").GetInt32() == lines[0].GetProperty("Id").GetInt32())
            .Select(w => w.GetProperty("DetectedText").GetString()));
        foreach (var d in lines.Concat(words))
        {
            Assert.True(d.GetProperty("Confidence").GetSingle() > 80, d.ToString());
            Assert.Equal(4, d.GetProperty("Geometry").GetProperty("Polygon").GetArrayLength());
        }
        // Word boxes lie inside their line and in reading order along it.
        var lineBox = lines[0].GetProperty("Geometry").GetProperty("BoundingBox");
        var lefts = words.Take(3).Select(w => w.GetProperty("Geometry").GetProperty("BoundingBox").GetProperty("Left").GetSingle()).ToList();
        Assert.Equal(upsideDown ? lefts.OrderDescending() : lefts.Order(), lefts);
        Assert.All(lefts, l => Assert.InRange(l, lineBox.GetProperty("Left").GetSingle() - 0.01f, lineBox.GetProperty("Left").GetSingle() + lineBox.GetProperty("Width").GetSingle()));
    }

    [Fact]
    public async Task DetectText_on_both_APIs_applies_filters_and_refuses_bad_ones()
    {
        using var dir = new TempDir();
        byte[] png = File.ReadAllBytes(Page(dir, "page.png"));
        await using var server = await ServerProcess.StartAsync();
        var (status, body) = await server.CallAwsAsync("DetectText", new { Image = new { Bytes = png } }, "analyst");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, Lines(body).Count);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("TextModelVersion").GetString()));

        // Only the lower half: the second line.
        var (_, lower) = await server.CallAwsAsync("DetectText", new
        {
            Image = new { Bytes = png },
            Filters = new { RegionsOfInterest = new[] { new { BoundingBox = new { Left = 0f, Top = 0.5f, Width = 1f, Height = 0.5f } } } },
        }, "analyst");
        Assert.Equal([Squash(s_lines[1])], Lines(lower).Select(l => Squash(l.GetProperty("DetectedText").GetString()!)));
        var (bad, error) = await server.CallAwsAsync("DetectText", new { Image = new { Bytes = png }, Filters = new { WordFilter = new { MinConfidence = 150 } } }, "analyst");
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterException"), (bad, error.GetProperty("__type").GetString()));
        Assert.Contains("MinConfidence", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var upload = new ByteArrayContent(png);
        upload.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var native = await server.SendAsync(HttpMethod.Post, "v1/text/detect?region=0,0,1,0.5", "analyst", upload);
        Assert.Equal(HttpStatusCode.OK, native.Status);
        Assert.Equal([Squash(s_lines[0])], native.Body.GetProperty("textDetections").EnumerateArray()
            .Where(d => d.GetProperty("type").GetString() == "LINE").Select(d => Squash(d.GetProperty("detectedText").GetString()!)));
        var badRegion = new ByteArrayContent(png);
        badRegion.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var refused = await server.SendAsync(HttpMethod.Post, "v1/text/detect?region=0,0,1", "analyst", badRegion);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("region", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_text_reports_a_low_character_error_rate_on_clean_print()
    {
        using var dir = new TempDir();
        Page(dir, "page.png");
        Page(dir, "flipped.png", upsideDown: true);
        string csv = dir.Write("gt.csv", $"file,text\npage.png,{string.Join(' ', s_lines)}\nflipped.png,{string.Join(' ', s_lines)}\n");
        var result = SightlineCli.Run("eval", "text", "--gt", csv, "--json", "--data", dir.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(2, json.GetProperty("images").GetInt32());
        Assert.InRange(json.GetProperty("cer").GetDouble(), 0, 0.05);
        var missing = SightlineCli.Run("eval", "text", "--gt", dir.Write("bad.csv", "file,words\npage.png,x\n"), "--data", dir.Path);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("gt_file", missing.Stderr, StringComparison.Ordinal);
    }
}
