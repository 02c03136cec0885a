using Sightline.ModelImport.Tests.Support;
using Sightline.Models;

namespace Sightline.ModelImport.Tests;

/// <summary>
/// The setup-time conversion of the pack's TF.js detectors: a missing ONNX file is regenerated from its fetched
/// source and must match its pinned sha256; a corrupted one is reported by the catalog and replaced by the next
/// conversion; a pin the converter does not reproduce fails without leaving a file.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class ModelPackConversionTests
{
    [Theory]
    [InlineData("nanodet-coco")]
    [InlineData("centernet-coco")]
    public async Task Missing_converted_model_is_regenerated_and_verified_and_corruption_is_detected(string id)
    {
        var target = ModelPackManifest.Builtin.Models.Single(m => m.Id == id);
        Assert.Equal("object-detector", target.Role);
        using var dir = new TempDir();
        var manifest = CopySources(target, dir.Path);
        var converter = new ModelPackConverter(manifest, dir.Path, [new TfjsModelConverter()]);
        var catalog = new ModelCatalog(dir.Path, manifest);

        var missing = Assert.Throws<SightlineException>(() => catalog.Resolve(id, "object-detector"));
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);

        Assert.Equal(1, await converter.ConvertAsync(null, CancellationToken.None));
        string path = catalog.Resolve(id, "object-detector").FullPath;
        Assert.Equal(target.Sha256, ModelIntegrity.Sha256Hex(path));
        Assert.Equal(0, await converter.ConvertAsync(null, CancellationToken.None)); // cached: nothing to do

        byte[] bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes);
        var corrupt = Assert.Throws<SightlineException>(() => catalog.Resolve(id, "object-detector"));
        Assert.Contains("corrupt", corrupt.Message, StringComparison.Ordinal);

        Assert.Equal(1, await converter.ConvertAsync(null, CancellationToken.None));
        Assert.Equal(target.Sha256, ModelIntegrity.Sha256Hex(catalog.Resolve(id, "object-detector").FullPath));
    }

    [Fact]
    public async Task A_pin_the_converter_does_not_reproduce_fails_and_leaves_no_file()
    {
        var target = ModelPackManifest.Builtin.Models.Single(m => m.Id == "nanodet-coco") with { Sha256 = new string('0', 64) };
        using var dir = new TempDir();
        var manifest = CopySources(target, dir.Path);
        var converter = new ModelPackConverter(manifest, dir.Path, [new TfjsModelConverter()]);
        var error = await Assert.ThrowsAsync<SightlineException>(() => converter.ConvertAsync(null, CancellationToken.None));
        Assert.Contains("does not reproduce the pinned model", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, target.File)));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.part"));
    }

    [Fact]
    public void The_manifest_rejects_a_conversion_from_an_unknown_entry()
    {
        const string json = """{ "models": [ { "id": "x", "role": "object-detector", "family": "nanodet", "convertFrom": "nope", "file": "x.onnx", "sha256": "0000000000000000000000000000000000000000000000000000000000000000" } ] }""";
        var error = Assert.Throws<SightlineException>(() => ModelPackManifest.Parse(json, "test"));
        Assert.Contains("converts from 'nope'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A manifest of the target and its TF.js source (model.json and shard copied from the fetched pack).</summary>
    private static ModelPackManifest CopySources(ModelEntry target, string dir)
    {
        string name = target.ConvertFrom!["tfjs-".Length..];
        string json = HumanModels.ModelJson(name);
        var pack = ModelPackManifest.Builtin;
        var sources = pack.Models.Where(m => m.Id == target.ConvertFrom || m.Id == target.ConvertFrom + "-weights").ToList();
        Assert.Equal(2, sources.Count);
        foreach (var s in sources)
            File.Copy(Path.Combine(Path.GetDirectoryName(json)!, s.File), Path.Combine(dir, s.File));
        return pack with { Models = [.. sources, target] };
    }
}
