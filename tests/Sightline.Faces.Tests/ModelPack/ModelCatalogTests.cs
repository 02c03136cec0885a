using Sightline.Faces.Tests.Support;
using Sightline.Models;

namespace Sightline.Faces.Tests.ModelPack;

[Collection(EngineCollection.Name)]
public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyModel(string file, string? asName = null)
    {
        string target = Path.Combine(_dir, asName ?? file);
        File.Copy(Path.Combine(TestModels.Directory, file), target);
        return target;
    }

    [Fact]
    public void Resolve_verifies_a_good_copy()
    {
        CopyModel("fr_detect.onnx");
        var file = new ModelCatalog(_dir).Resolve("ultraface-rfb320", "face-detector");
        Assert.Equal("ultraface", file.Family);
        Assert.Equal(Path.Combine(_dir, "fr_detect.onnx"), file.FullPath);
    }

    [Fact]
    public void Corrupt_file_is_ModelUnavailable_naming_file_and_fix()
    {
        string path = CopyModel("fr_landmark.onnx");
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<SightlineException>(() => new ModelCatalog(_dir).Resolve("landmark68", "face-landmarks"));
        Assert.Equal(ErrorKind.ModelUnavailable, ex.Kind);
        Assert.Contains("fr_landmark.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sightline models fetch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_ModelUnavailable_naming_file_and_fix()
    {
        var ex = Assert.Throws<SightlineException>(() => new ModelCatalog(_dir).Resolve("mobilefacenet-512", "face-embedder"));
        Assert.Equal(ErrorKind.ModelUnavailable, ex.Kind);
        Assert.Contains("fr_feature.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sightline models fetch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_id_or_wrong_role_is_InvalidParameter()
    {
        var catalog = new ModelCatalog(_dir);
        Assert.Equal(ErrorKind.InvalidParameter, Assert.Throws<SightlineException>(() => catalog.Resolve("no-such-model", "face-detector")).Kind);
        Assert.Equal(ErrorKind.InvalidParameter, Assert.Throws<SightlineException>(() => catalog.Resolve("landmark68", "face-detector")).Kind);
    }

    [Fact]
    public void Engine_with_missing_models_fails_with_ModelUnavailable()
    {
        var ex = Assert.Throws<SightlineException>(() => new FaceEngine(new FaceEngineOptions { ModelsDirectory = _dir }));
        Assert.Equal(ErrorKind.ModelUnavailable, ex.Kind);
        Assert.Contains("sightline models fetch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_manifest_adds_a_detector_by_configuration()
    {
        foreach (var file in new[] { "face_detection_back_256x256_barracuda.onnx", "fr_landmark.onnx", "fr_pose.onnx" })
            CopyModel(file);
        string site = CopyModel("fr_detect.onnx", "site_detector.onnx");
        string sha = ModelIntegrity.Sha256Hex(site);
        File.WriteAllText(Path.Combine(_dir, ModelCatalog.LocalManifestName), $$"""
            { "models": [ { "id": "site-ultraface", "role": "face-detector", "family": "ultraface", "file": "site_detector.onnx", "sha256": "{{sha}}" } ] }
            """);
        Assert.Contains(new ModelCatalog(_dir).Manifest.Models, m => m.Id == "site-ultraface");

        using var engine = new FaceEngine(new FaceEngineOptions { ModelsDirectory = _dir, Detector = "site-ultraface" });
        Assert.Equal("site-ultraface", engine.Detector.ModelId);
        using var image = new Sightline.Imaging.ImageDecoder().DecodeFile(TestModels.Fixture("sample1"));
        Assert.Equal(3, engine.Analyze(image, FaceRequest.Default, CancellationToken.None).Count);
    }
}
