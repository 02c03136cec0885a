using Sightline.Models;

namespace Sightline.Faces.Tests.Support;

/// <summary>Locates the real model pack; a missing pack fails the test (never skips) with the fix.</summary>
public static class TestModels
{
    private static readonly Lazy<string> s_directory = new(Locate);

    public static string Directory => s_directory.Value;

    public static ModelCatalog Catalog => new(Directory);

    public static string Fixture(string id) => Catalog.ResolveFixture(id);

    public static byte[] FixtureBytes(string id) => File.ReadAllBytes(Fixture(id));

    private static string Locate()
    {
        string dir = ModelPaths.DefaultModelsDirectory;
        var missing = ModelPackManifest.Builtin.Models.Select(m => Path.Combine(dir, m.File))
            .Concat(ModelPackManifest.Builtin.Fixtures.Select(f => Path.Combine(ModelPaths.FixturesDirectory(dir), f.File)))
            .Where(p => !File.Exists(p))
            .ToList();
        Assert.True(missing.Count == 0,
            $"The model pack is missing from {dir} ({string.Join(", ", missing.Select(Path.GetFileName))}). " +
            $"Run '{ModelPaths.FetchCommand}' (or set {ModelPaths.EnvironmentVariable}) before running the tests.");
        return dir;
    }
}
