using Sightline.Storage;

namespace Sightline.Detectors.Tests;

/// <summary>Registration checks the model at the boundary, rejects with the reason, leaves nothing behind, and is audited.</summary>
public sealed class RegistrationTests : IDisposable
{
    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    private IFileStore Files => _f.Core.Get<IFileStore>();

    private async Task<SightlineException> RejectedAsync(byte[] model, string labels, string? layout = null, string id = "bad")
    {
        var ex = (await Assert.ThrowsAsync<SightlineException>(async () => await _f.RegisterAsync(id, model, labels, layout)));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
        Assert.Empty(await _f.Store.ListDetectorsAsync(RegistryFixture.Ct));
        Assert.Empty(await Files.ListAsync("detectors", RegistryFixture.Ct).ToListAsync(RegistryFixture.Ct));
        Assert.Empty(Directory.GetFiles(_f.Data, "*.tmp", SearchOption.AllDirectories));
        return ex;
    }

    [Fact]
    public async Task Corrupt_model_bytes_are_rejected()
    {
        Assert.Contains("ONNX", (await RejectedAsync("this is not a model"u8.ToArray(), "gun")).Message, StringComparison.Ordinal);
        var truncated = TinyModels.YoloV8(true)[..100];
        Assert.Contains("ONNX", (await RejectedAsync(truncated, "gun\nknife")).Message, StringComparison.Ordinal);
        Assert.Contains("empty", (await RejectedAsync([], "gun")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_class_count_that_differs_from_the_labels_file_is_rejected()
    {
        var ex = await RejectedAsync(TinyModels.YoloV8(true), "gun\nknife\nrifle");
        Assert.Contains("Class count", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 line", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Class count", (await RejectedAsync(TinyModels.SsdMultiClass(), "knife\ngun")).Message, StringComparison.Ordinal);
        // Class names the exporter recorded are counted too.
        var named = TinyModels.YoloV8(true, metadata: new Dictionary<string, string> { ["names"] = "{0: 'gun', 1: 'knife', 2: 'rifle'}" });
        Assert.Contains("metadata names 3 classes", (await RejectedAsync(named, "gun\nknife")).Message, StringComparison.Ordinal);
        // An explicit layout that the output does not fit is named too.
        Assert.Contains("YOLOv5", (await RejectedAsync(TinyModels.YoloV8(false), "gun\nknife", "yolov5")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_output_layouts_are_rejected()
    {
        var oneFlat = TinyModels.Build(TinyModels.Input64, new FixedOutput("logits", [1, 10], new float[10]));
        Assert.Contains("Unknown output layout", (await RejectedAsync(oneFlat, "a\nb")).Message, StringComparison.Ordinal);
        Assert.Contains("Unknown output layout", (await RejectedAsync(TinyModels.YoloV8(true), "gun\nknife", "ssd")).Message, StringComparison.Ordinal);
        var twoScores = TinyModels.Build(TinyModels.Input64,
            new FixedOutput("boxes", [1, 2, 4], new float[8]), new FixedOutput("a", [1, 2], new float[2]), new FixedOutput("b", [1, 2], new float[2]));
        Assert.Contains("class ids", (await RejectedAsync(twoScores, "a\nb")).Message, StringComparison.Ordinal);
        var nhwc = TinyModels.Build([1, 64, 64, 3], new FixedOutput("output0", [1, 6, 3], new float[18]));
        Assert.Contains("NCHW", (await RejectedAsync(nhwc, "gun\nknife")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_ids_labels_and_layout_names_are_rejected_before_the_model_is_read()
    {
        Assert.Contains("id", (await RejectedAsync(TinyModels.YoloV8(true), "gun\nknife", id: "../escape")).Message, StringComparison.Ordinal);
        Assert.Contains("empty", (await RejectedAsync(TinyModels.YoloV8(true), "\n\n")).Message, StringComparison.Ordinal);
        Assert.Contains("Line 2", (await RejectedAsync(TinyModels.YoloV8(true), "gun\n\nknife")).Message, StringComparison.Ordinal);
        Assert.Contains("layout", (await RejectedAsync(TinyModels.YoloV8(true), "gun\nknife", "yolov9")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_stores_the_model_and_its_hash_audited_and_refuses_a_second_with_the_same_id()
    {
        var entry = new AuditEntry("tester", "admin", "RegisterDetector");
        DetectorRecord record;
        record = await _f.RegisterAsync("weapons", TinyModels.YoloV8(true), "gun\nknife", audit: entry);
        string path = (await Files.TryGetLocalAsync(DetectorRegistry.ModelKey("weapons"), RegistryFixture.Ct))!;
        Assert.True(File.Exists(path));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), record.Sha256);
        Assert.Equal(["gun", "knife"], (await _f.Store.GetDetectorAsync("weapons", RegistryFixture.Ct))!.Labels);
        var conflict = (await Assert.ThrowsAsync<SightlineException>(async () => await _f.RegisterAsync("weapons", TinyModels.YoloV5(), "gun\nknife")));
        Assert.Equal(ErrorKind.ResourceAlreadyExists, conflict.Kind);

        await _f.Registry.RemoveAsync(entry with { Operation = "RemoveDetector" }, "weapons", RegistryFixture.Ct);
        Assert.Null(await Files.TryGetLocalAsync(DetectorRegistry.ModelKey("weapons"), RegistryFixture.Ct));
        var audit = await _f.Audit.ReadAuditAsync(0, 10, RegistryFixture.Ct);
        Assert.Equal(["RegisterDetector", "RemoveDetector"], audit.Select(a => a.Entry.Operation));
        Assert.Contains(record.Sha256, audit[0].Entry.Details, StringComparison.Ordinal);
        Assert.True((await _f.Audit.VerifyAuditAsync(RegistryFixture.Ct)).Intact);
        Assert.Equal(ErrorKind.ResourceNotFound, (await Assert.ThrowsAsync<SightlineException>(async () => await _f.Registry.RemoveAsync(entry, "weapons", RegistryFixture.Ct))).Kind);
    }

    [Fact]
    public async Task ProjectVersionArn_names_a_detector_by_id_version_name_or_last_segment()
    {
        await _f.RegisterAsync("weapons", TinyModels.YoloV8(true), "gun\nknife");
        Assert.Equal("weapons", await _f.Registry.ResolveIdAsync("weapons", RegistryFixture.Ct));
        Assert.Equal("weapons", await _f.Registry.ResolveIdAsync("arn:aws:rekognition:eu-west-1:123456789012:project/agency/version/weapons/1700000000000", RegistryFixture.Ct));
        Assert.Equal("weapons", await _f.Registry.ResolveIdAsync("arn:aws:rekognition:eu-west-1:123456789012:project/agency/weapons", RegistryFixture.Ct));
        Assert.Equal(ErrorKind.ResourceNotFound, (await Assert.ThrowsAsync<SightlineException>(async () => await _f.Registry.ResolveIdAsync("arn:aws:rekognition:eu-west-1:1:project/x/version/y/1", RegistryFixture.Ct))).Kind);
    }

    [Fact]
    public async Task A_model_file_changed_after_registration_is_refused()
    {
        await _f.RegisterAsync("weapons", TinyModels.YoloV8(true), "gun\nknife");
        File.WriteAllBytes((await Files.TryGetLocalAsync(DetectorRegistry.ModelKey("weapons"), RegistryFixture.Ct))!, TinyModels.YoloV5());
        using var image = RegistryFixture.Image(64, 64);
        var ex = (await Assert.ThrowsAsync<SightlineException>(async () => await _f.Registry.DetectAsync("weapons", image, null, null, null, CancellationToken.None)));
        Assert.Equal(ErrorKind.ModelUnavailable, ex.Kind);
        Assert.Contains("changed", ex.Message, StringComparison.Ordinal);
    }
}
