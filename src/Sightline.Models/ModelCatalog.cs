namespace Sightline.Models;

/// <summary>A verified model file on disk, with the adapter family that can run it.</summary>
public sealed record ModelFile(ModelEntry Entry, string FullPath)
{
    public string Id => Entry.Id;

    public string Family => Entry.Family ?? "";
}

/// <summary>
/// Resolves model ids to verified files in the models directory. The built-in pack can be extended with
/// <c>models.local.json</c> in the same directory (same schema) so a site's own detector or embedder of a
/// known family is a configuration change.
/// </summary>
public sealed class ModelCatalog
{
    public const string LocalManifestName = "models.local.json";

    public ModelCatalog(string modelsDirectory, ModelPackManifest? manifest = null)
    {
        Directory = Path.GetFullPath(modelsDirectory);
        var pack = manifest ?? ModelPackManifest.Builtin;
        string local = Path.Combine(Directory, LocalManifestName);
        if (File.Exists(local))
            pack = pack.Merge(ModelPackManifest.Parse(File.ReadAllText(local), local));
        Manifest = pack;
    }

    public string Directory { get; }

    public ModelPackManifest Manifest { get; }

    /// <summary>Finds a model by id, checks its role, and verifies its sha256; a clear error names the file and the fix.</summary>
    public ModelFile Resolve(string id, string role)
    {
        var entry = Manifest.Models.FirstOrDefault(m => m.Id == id)
            ?? throw SightlineException.InvalidParameter($"No model '{id}' in the model pack. Known {role} models: {string.Join(", ", Manifest.Models.Where(m => m.Role == role).Select(m => m.Id))}.");
        if (entry.Role != role)
            throw SightlineException.InvalidParameter($"Model '{id}' is a {entry.Role} model, not a {role} model.");
        return Verify(entry, Directory);
    }

    public string ResolveFixture(string id) =>
        Verify(Manifest.Fixtures.First(f => f.Id == id), ModelPaths.FixturesDirectory(Directory)).FullPath;

    private static ModelFile Verify(ModelEntry entry, string dir)
    {
        string path = Path.Combine(dir, entry.File);
        if (!File.Exists(path))
            throw new SightlineException(ErrorKind.ModelUnavailable, $"Model file {path} is missing. Run '{ModelPaths.FetchCommand}' to fetch and verify the model pack.");
        string actual = ModelIntegrity.Sha256Hex(path);
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new SightlineException(ErrorKind.ModelUnavailable, $"Model file {path} is corrupt: sha256 {actual}, expected {entry.Sha256}. Delete it and run '{ModelPaths.FetchCommand}'.");
        return new ModelFile(entry, path);
    }
}
