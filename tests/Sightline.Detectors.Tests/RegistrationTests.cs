using Sightline.Storage;

namespace Sightline.Detectors.Tests;

/// <summary>Registration checks the model at the boundary, rejects with the reason, leaves nothing behind, and is audited.</summary>
public sealed class RegistrationTests : IDisposable
{
    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    private SightlineException Rejected(byte[] model, string labels, string? layout = null, string id = "bad")
    {
        var ex = Assert.Throws<SightlineException>(() => _f.Register(id, model, labels, layout));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
        Assert.Empty(_f.Store.ListDetectors());
        Assert.Empty(Directory.Exists(_f.Registry.Directory) ? Directory.GetFiles(_f.Registry.Directory) : []);
        return ex;
    }

    [Fact]
    public void Corrupt_model_bytes_are_rejected()
    {
        Assert.Contains("ONNX", Rejected("this is not a model"u8.ToArray(), "gun").Message, StringComparison.Ordinal);
        var truncated = TinyModels.YoloV8(true)[..100];
        Assert.Contains("ONNX", Rejected(truncated, "gun\nknife").Message, StringComparison.Ordinal);
        Assert.Contains("empty", Rejected([], "gun").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_class_count_that_differs_from_the_labels_file_is_rejected()
    {
        var ex = Rejected(TinyModels.YoloV8(true), "gun\nknife\nrifle");
        Assert.Contains("Class count", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 line", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Class count", Rejected(TinyModels.SsdMultiClass(), "knife\ngun").Message, StringComparison.Ordinal);
        // Class names the exporter recorded are counted too.
        var named = TinyModels.YoloV8(true, metadata: new Dictionary<string, string> { ["names"] = "{0: 'gun', 1: 'knife', 2: 'rifle'}" });
        Assert.Contains("metadata names 3 classes", Rejected(named, "gun\nknife").Message, StringComparison.Ordinal);
        // An explicit layout that the output does not fit is named too.
        Assert.Contains("YOLOv5", Rejected(TinyModels.YoloV8(false), "gun\nknife", "yolov5").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_output_layouts_are_rejected()
    {
        var oneFlat = TinyModels.Build(TinyModels.Input64, new FixedOutput("logits", [1, 10], new float[10]));
        Assert.Contains("Unknown output layout", Rejected(oneFlat, "a\nb").Message, StringComparison.Ordinal);
        Assert.Contains("Unknown output layout", Rejected(TinyModels.YoloV8(true), "gun\nknife", "ssd").Message, StringComparison.Ordinal);
        var twoScores = TinyModels.Build(TinyModels.Input64,
            new FixedOutput("boxes", [1, 2, 4], new float[8]), new FixedOutput("a", [1, 2], new float[2]), new FixedOutput("b", [1, 2], new float[2]));
        Assert.Contains("class ids", Rejected(twoScores, "a\nb").Message, StringComparison.Ordinal);
        var nhwc = TinyModels.Build([1, 64, 64, 3], new FixedOutput("output0", [1, 6, 3], new float[18]));
        Assert.Contains("NCHW", Rejected(nhwc, "gun\nknife").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_ids_labels_and_layout_names_are_rejected_before_the_model_is_read()
    {
        Assert.Contains("id", Rejected(TinyModels.YoloV8(true), "gun\nknife", id: "../escape").Message, StringComparison.Ordinal);
        Assert.Contains("empty", Rejected(TinyModels.YoloV8(true), "\n\n").Message, StringComparison.Ordinal);
        Assert.Contains("Line 2", Rejected(TinyModels.YoloV8(true), "gun\n\nknife").Message, StringComparison.Ordinal);
        Assert.Contains("layout", Rejected(TinyModels.YoloV8(true), "gun\nknife", "yolov9").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_stores_the_model_and_its_hash_audited_and_refuses_a_second_with_the_same_id()
    {
        var entry = new AuditEntry("tester", "admin", "RegisterDetector");
        DetectorRecord record;
        record = _f.Register("weapons", TinyModels.YoloV8(true), "gun\nknife", audit: entry);
        string path = Path.Combine(_f.Data, "detectors", "weapons.onnx");
        Assert.True(File.Exists(path));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), record.Sha256);
        Assert.Equal(["gun", "knife"], _f.Store.GetDetector("weapons")!.Labels);
        var conflict = Assert.Throws<SightlineException>(() => _f.Register("weapons", TinyModels.YoloV5(), "gun\nknife"));
        Assert.Equal(ErrorKind.ResourceAlreadyExists, conflict.Kind);

        _f.Registry.Remove(entry with { Operation = "RemoveDetector" }, "weapons");
        Assert.False(File.Exists(path));
        var audit = _f.Audit.ReadAudit(0, 10);
        Assert.Equal(["RegisterDetector", "RemoveDetector"], audit.Select(a => a.Entry.Operation));
        Assert.Contains(record.Sha256, audit[0].Entry.Details, StringComparison.Ordinal);
        Assert.True(_f.Audit.VerifyAudit().Intact);
        Assert.Equal(ErrorKind.ResourceNotFound, Assert.Throws<SightlineException>(() => _f.Registry.Remove(entry, "weapons")).Kind);
    }

    [Fact]
    public void ProjectVersionArn_names_a_detector_by_id_version_name_or_last_segment()
    {
        _f.Register("weapons", TinyModels.YoloV8(true), "gun\nknife");
        Assert.Equal("weapons", _f.Registry.ResolveId("weapons"));
        Assert.Equal("weapons", _f.Registry.ResolveId("arn:aws:rekognition:eu-west-1:123456789012:project/agency/version/weapons/1700000000000"));
        Assert.Equal("weapons", _f.Registry.ResolveId("arn:aws:rekognition:eu-west-1:123456789012:project/agency/weapons"));
        Assert.Equal(ErrorKind.ResourceNotFound, Assert.Throws<SightlineException>(() => _f.Registry.ResolveId("arn:aws:rekognition:eu-west-1:1:project/x/version/y/1")).Kind);
    }

    [Fact]
    public void A_model_file_changed_after_registration_is_refused()
    {
        _f.Register("weapons", TinyModels.YoloV8(true), "gun\nknife");
        File.WriteAllBytes(Path.Combine(_f.Data, "detectors", "weapons.onnx"), TinyModels.YoloV5());
        using var image = RegistryFixture.Image(64, 64);
        var ex = Assert.Throws<SightlineException>(() => _f.Registry.Detect("weapons", image, null, null, null, CancellationToken.None));
        Assert.Equal(ErrorKind.ModelUnavailable, ex.Kind);
        Assert.Contains("changed", ex.Message, StringComparison.Ordinal);
    }
}
