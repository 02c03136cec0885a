using Sightline.Rekognition;

namespace Sightline.Detectors.Tests;

/// <summary>The YOLOv5, YOLOv8 and SSD decoders on tiny models with known outputs: classes, scores, per-class NMS and
/// boxes back in image coordinates (letterbox undone for YOLO, stretch undone for SSD).</summary>
public sealed class DecoderTests : IDisposable
{
    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static void AssertBox(CustomLabel label, string name, float confidence, float left, float top, float width, float height)
    {
        Assert.Equal(name, label.Name);
        Assert.Equal(confidence, label.Confidence, 0.01f);
        var b = label.Geometry!.BoundingBox;
        Assert.Equal(left, b.Left, 0.001f);
        Assert.Equal(top, b.Top, 0.001f);
        Assert.Equal(width, b.Width, 0.001f);
        Assert.Equal(height, b.Height, 0.001f);
        Assert.Equal(4, label.Geometry.Polygon.Count);
        Assert.Equal(left + width, label.Geometry.Polygon[2].X, 0.001f);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task YoloV8_boxes_come_back_in_image_coordinates_with_the_letterbox_undone(bool channelsFirst)
    {
        var record = await _f.RegisterAsync("v8", TinyModels.YoloV8(channelsFirst), "gun\nknife\n");
        Assert.Equal(("yolov8", 64, 64, 2), (record.Layout, record.InputWidth, record.InputHeight, record.Labels.Count));
        // A 128×64 image is scaled by 0.5 into the 64×64 input with 16 px of padding above and below.
        using var image = RegistryFixture.Image(128, 64);
        var labels = (await _f.Registry.DetectAsync("v8", image, 50, null, null, CancellationToken.None)).CustomLabels;
        Assert.Equal(2, labels.Count); // the 0.8 near-duplicate of the gun is suppressed
        AssertBox(labels[0], "gun", 90, 48 / 128f, 24 / 64f, 32 / 128f, 16 / 64f);
        AssertBox(labels[1], "knife", 70, 12 / 128f, 0, 16 / 128f, 16 / 64f);
    }

    [Fact]
    public async Task YoloV5_multiplies_objectness_and_clips_to_the_image()
    {
        Assert.Equal("yolov5", (await _f.RegisterAsync("v5", TinyModels.YoloV5(), "gun\nknife")).Layout);
        // A 64×128 image: padding left and right; the knife's box lies wholly in the padding and is dropped.
        using var image = RegistryFixture.Image(64, 128);
        var labels = (await _f.Registry.DetectAsync("v5", image, 50, null, null, CancellationToken.None)).CustomLabels;
        var gun = Assert.Single(labels);
        AssertBox(gun, "gun", 90, 16 / 64f, 56 / 128f, 32 / 64f, 16 / 128f);
    }

    [Fact]
    public async Task Alert_rules_see_instances_below_the_callers_MinConfidence()
    {
        await _f.RegisterAsync("v8", TinyModels.YoloV8(true), "gun\nknife");
        var queue = new Alerts.AlertQueue(new Alerts.AlertOptions());
        using var registry = new DetectorRegistry(_f.Core.Get<Storage.IFileStore>(), _f.Store, new Alerts.AlertEvaluator(_f.Alerts, queue, new Alerts.AlertOptions()));
        var (rule, _) = Alerts.AlertRules.Create("knife", 10, null, "http://127.0.0.1:9/hook", "test", DateTimeOffset.UtcNow, new Alerts.AlertSecrets(Path.Combine(_f.Data, "secrets")), new Sightline.Outbound.OutboundPolicy(["127.0.0.1"]));
        await _f.Alerts.AddAlertRuleAsync(RegistryFixture.TestEntry, rule, RegistryFixture.Ct);
        using var image = RegistryFixture.Image(64, 64);
        Assert.Equal(["gun"], (await registry.DetectAsync("v8", image, 75, null, "sha256:test", CancellationToken.None)).CustomLabels.Select(l => l.Name));
        var alert = Assert.Single(await _f.Alerts.ListAlertsAsync(null, 10, RegistryFixture.Ct));
        Assert.Equal(("knife", rule.Id, "detector:v8"), (alert.Label, alert.RuleId, alert.Source));
        Assert.InRange(alert.Confidence, 10, 75);
    }

    [Fact]
    public async Task MinConfidence_and_MaxResults_filter_the_instances()
    {
        await _f.RegisterAsync("v8", TinyModels.YoloV8(true), "gun\nknife");
        using var image = RegistryFixture.Image(64, 64);
        Assert.Equal(["gun"], (await _f.Registry.DetectAsync("v8", image, 75, null, null, CancellationToken.None)).CustomLabels.Select(l => l.Name));
        Assert.Single((await _f.Registry.DetectAsync("v8", image, 10, 1, null, CancellationToken.None)).CustomLabels);
        await Assert.ThrowsAsync<SightlineException>(async () => await _f.Registry.DetectAsync("v8", image, 101, null, null, CancellationToken.None));
    }

    [Fact]
    public async Task Ssd_with_per_class_scores_skips_the_background_class()
    {
        Assert.Equal("ssd", (await _f.RegisterAsync("ssd", TinyModels.SsdMultiClass(), "background\nknife\ngun")).Layout);
        using var image = RegistryFixture.Image(200, 100);
        var labels = (await _f.Registry.DetectAsync("ssd", image, 50, null, null, CancellationToken.None)).CustomLabels;
        AssertBox(Assert.Single(labels), "gun", 85, 0.1f, 0.2f, 0.4f, 0.4f);
    }

    [Fact]
    public async Task Ssd_with_scores_and_integer_classes()
    {
        Assert.Equal("ssd", (await _f.RegisterAsync("ssd2", TinyModels.SsdWithClasses(), "background\nknife\ngun")).Layout);
        using var image = RegistryFixture.Image(200, 100);
        var labels = (await _f.Registry.DetectAsync("ssd2", image, 50, null, null, CancellationToken.None)).CustomLabels;
        Assert.Equal(2, labels.Count);
        AssertBox(labels[0], "gun", 85, 0.1f, 0.2f, 0.4f, 0.4f);
        AssertBox(labels[1], "knife", 60, 0.6f, 0.1f, 0.3f, 0.8f);
    }

    [Fact]
    public async Task A_dynamic_input_needs_the_size_it_was_trained_at()
    {
        var model = TinyModels.YoloV8(true, input: [1, 3, -1, -1]);
        var ex = (await Assert.ThrowsAsync<SightlineException>(async () => await _f.RegisterAsync("dyn", model, "gun\nknife")));
        Assert.Contains("dynamic", ex.Message, StringComparison.Ordinal);
        var record = await _f.RegisterAsync("dyn", model, "gun\nknife", inputSize: 64);
        Assert.Equal((64, 64), (record.InputWidth, record.InputHeight));
        using var image = RegistryFixture.Image(128, 64);
        Assert.Equal(2, (await _f.Registry.DetectAsync("dyn", image, 50, null, null, CancellationToken.None)).CustomLabels.Count);
    }

    [Fact]
    public async Task Exported_metadata_gives_a_dynamic_input_its_size()
    {
        var model = TinyModels.YoloV8(true, [1, 3, -1, -1], new Dictionary<string, string> { ["imgsz"] = "[64, 64]", ["names"] = "{0: 'gun', 1: 'knife'}" });
        Assert.Equal(64, (await _f.RegisterAsync("exported", model, "gun\nknife")).InputWidth);
    }
}
