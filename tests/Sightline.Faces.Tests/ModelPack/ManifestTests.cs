using Sightline.Models;

namespace Sightline.Faces.Tests.ModelPack;

public sealed class ManifestTests
{
    [Fact]
    public void Builtin_pack_has_every_role_the_engine_needs()
    {
        var pack = ModelPackManifest.Builtin;
        var options = new FaceEngineOptions();
        var needed = new (string Id, string Role)[]
        {
            (options.Detector, "face-detector"),
            (options.Detection.Verifier!, "face-detector"),
            (options.Landmarks, "face-landmarks"),
            (options.Embedder, "face-embedder"),
            (options.Age, "face-age"),
            (options.Gender, "face-gender"),
            (options.Pose, "face-pose"),
            (options.Eyes, "face-eyes"),
            (options.Expression, "face-expression"),
        };
        foreach (var (id, role) in needed)
        {
            var entry = Assert.Single(pack.Models, m => m.Id == id);
            Assert.Equal(role, entry.Role);
            Assert.False(string.IsNullOrEmpty(entry.Family));
        }
        Assert.All(pack.Models.Concat(pack.Fixtures), m =>
        {
            Assert.Matches("^[0-9a-f]{64}$", m.Sha256);
            // Every file comes from a pinned package, or is converted at setup from entries that do.
            if (m.ConvertFrom is { } source)
                Assert.Contains(pack.Packages, p => p.Name == Assert.Single(pack.Models, s => s.Id == source).Package);
            else
                Assert.Contains(pack.Packages, p => p.Name == m.Package);
        });
        Assert.Equal(pack.Models.Count, pack.Models.Select(m => m.Id).Distinct().Count());
        Assert.Equal(6, pack.Fixtures.Count);
    }

    private const string Good = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static string Manifest(string file, string sha256) =>
        $$"""{ "models": [ { "id": "x", "role": "face-detector", "family": "ultraface", "file": "{{file}}", "sha256": "{{sha256}}" } ] }""";

    [Fact]
    public void Parse_accepts_a_local_entry_without_package()
    {
        var m = ModelPackManifest.Parse(Manifest("site.onnx", Good), "test");
        Assert.Equal("site.onnx", Assert.Single(m.Models).File);
        Assert.Empty(m.Packages);
    }

    [Theory]
    [InlineData("site.onnx", "abc")]
    [InlineData("site.onnx", "zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sub/site.onnx", Good)]
    [InlineData("..\\\\site.onnx", Good)]
    [InlineData(".hidden.onnx", Good)]
    public void Parse_rejects_bad_hashes_and_paths(string file, string sha)
    {
        var ex = Assert.Throws<SightlineException>(() => ModelPackManifest.Parse(Manifest(file, sha), "test"));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("null")]
    [InlineData("""{ "models": [ { "id": "x", "file": "a.onnx", "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "package": "nope" } ] }""")]
    public void Parse_rejects_malformed_manifests(string json)
    {
        var ex = Assert.Throws<SightlineException>(() => ModelPackManifest.Parse(json, "test"));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
    }

    [Fact]
    public void Merge_refuses_an_id_clash()
    {
        var local = ModelPackManifest.Parse(Manifest("a.onnx", Good).Replace("\"x\"", "\"ultraface-rfb320\""), "test");
        Assert.Throws<SightlineException>(() => ModelPackManifest.Builtin.Merge(local));
    }
}
