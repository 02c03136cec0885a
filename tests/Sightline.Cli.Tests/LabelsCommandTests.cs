using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary><c>sightline labels detect</c> and <c>sightline eval labels</c> on the fixture photos.</summary>
[Collection(CliCollection.Name)]
public sealed class LabelsCommandTests
{
    [Theory]
    [InlineData("centernet-coco")]
    [InlineData("nanodet-coco")]
    public void Labels_detect_finds_people_with_either_detector(string detector)
    {
        using var dir = new TempDir();
        var json = SightlineCli.Run("labels", "detect", SightlineCli.Fixture("sample1"), "--min-confidence", "30", "--detector", detector, "--json", "--data", dir.Path).Json();
        Assert.Equal(detector, json.GetProperty("LabelModelVersion").GetString());
        var person = json.GetProperty("Labels").EnumerateArray().Single(l => l.GetProperty("Name").GetString() == "Person");
        Assert.True(person.GetProperty("Instances").GetArrayLength() >= 1);
    }

    [Fact]
    public async Task Alert_rules_see_every_instance_even_below_the_callers_min_confidence()
    {
        using var dir = new TempDir();
        using var receiver = new WebhookReceiver();
        var rule = SightlineCli.Run("alerts", "rules", "add", "--label", "person", "--min-confidence", "20", "--webhook", receiver.Url, "--json", "--data", dir.Path);
        Assert.True(rule.ExitCode == 0, rule.ToString());
        string secret = rule.Json().GetProperty("secret").GetString()!;

        // The caller asks for 99 and up; the rule watches for people at 20 and up.
        var detect = SightlineCli.Run("labels", "detect", SightlineCli.Fixture("sample1"), "--min-confidence", "99", "--json", "--data", dir.Path);
        Assert.True(detect.ExitCode == 0, detect.ToString());
        Assert.All(detect.Json().GetProperty("Labels").EnumerateArray(), l => Assert.True(l.GetProperty("Confidence").GetSingle() >= 99));
        Assert.True(await receiver.WaitForAsync(r => !r.Received.IsEmpty, TimeSpan.FromSeconds(30)), "the webhook received nothing");
        Assert.True(receiver.Received.TryPeek(out var delivery));
        using var alert = JsonDocument.Parse(delivery.Body);
        Assert.Equal(("Person", "labels"), (alert.RootElement.GetProperty("label").GetString(), alert.RootElement.GetProperty("source").GetString()));
        Assert.InRange(alert.RootElement.GetProperty("confidence").GetSingle(), 20, 99);
        Assert.Equal(Sightline.Alerts.AlertRules.Sign(secret, delivery.Body), delivery.Signature);
    }

    [Fact]
    public void Labels_detect_rejects_bad_options()
    {
        var r = SightlineCli.Run("labels", "detect", SightlineCli.Fixture("sample1"), "--min-confidence", "150");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("MinConfidence", r.Stderr, StringComparison.Ordinal);
        var d = SightlineCli.Run("labels", "detect", SightlineCli.Fixture("sample1"), "--detector", "ultraface-rfb320");
        Assert.NotEqual(0, d.ExitCode);
        Assert.Contains("object-detector", d.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_labels_prints_the_documented_json()
    {
        using var dir = new TempDir();
        string images = Path.Combine(dir.Path, "images");
        Directory.CreateDirectory(images);
        string[] files = ["a.jpg", "b.jpg"];
        File.Copy(SightlineCli.Fixture("sample1"), Path.Combine(images, files[0]));
        File.Copy(SightlineCli.Fixture("sample2"), Path.Combine(images, files[1]));
        // Ground truth: the people the detector itself finds at 30%, plus a crowd region (ignored, as COCO does).
        var annotations = new List<object>();
        for (int i = 0; i < files.Length; i++)
        {
            string path = Path.Combine(images, files[i]);
            var (w, h) = Size(path);
            var detected = SightlineCli.Run("labels", "detect", path, "--min-confidence", "30", "--json").Json();
            foreach (var p in detected.GetProperty("Labels").EnumerateArray().Single(l => l.GetProperty("Name").GetString() == "Person").GetProperty("Instances").EnumerateArray())
            {
                var b = p.GetProperty("BoundingBox");
                annotations.Add(new { id = annotations.Count + 1, image_id = i + 1, category_id = 1, iscrowd = 0,
                    bbox = new[] { b.GetProperty("Left").GetDouble() * w, b.GetProperty("Top").GetDouble() * h, b.GetProperty("Width").GetDouble() * w, b.GetProperty("Height").GetDouble() * h } });
            }
        }
        annotations.Add(new { id = 99, image_id = 2, category_id = 1, iscrowd = 1, bbox = new[] { 0.0, 0.0, 40.0, 40.0 } });
        var coco = new
        {
            images = files.Select((f, i) => new { id = i + 1, file_name = f, width = 0, height = 0 }),
            annotations,
            categories = new object[] { new { id = 1, name = "person" }, new { id = 3, name = "car" } },
        };
        string instances = dir.Write("instances.json", JsonSerializer.Serialize(coco));
        var json = SightlineCli.Run("eval", "labels", "--coco", instances, "--images", images, "--json").Json();
        Assert.Equal(["images", "map", "ap50", "perClass"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, json.GetProperty("images").GetInt32());
        var perClass = json.GetProperty("perClass");
        Assert.Equal(["person", "car", "truck", "bus", "motorcycle", "bicycle"], perClass.EnumerateObject().Select(p => p.Name));
        var person = perClass.GetProperty("person");
        Assert.Equal(["ap", "ap50"], person.EnumerateObject().Select(p => p.Name));
        // The ground truth is the detector's own best boxes: AP50 is perfect, and mAP (person is the only class with ground truth) equals person AP.
        Assert.Equal(1.0, person.GetProperty("ap50").GetDouble(), 3);
        Assert.Equal(person.GetProperty("ap").GetDouble(), json.GetProperty("map").GetDouble(), 4);
        Assert.Equal(JsonValueKind.Null, perClass.GetProperty("car").ValueKind);
    }

    private static (int W, int H) Size(string path)
    {
        using var image = new Sightline.Imaging.ImageDecoder().DecodeFile(path);
        return (image.Width, image.Height);
    }
}
