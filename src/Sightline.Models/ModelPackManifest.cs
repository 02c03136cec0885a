using System.Text.Json;

namespace Sightline.Models;

public sealed record NpmPackage(string Name, string Version, string Integrity, string? License = null)
{
    public string Spec => $"{Name}@{Version}";
}

/// <summary>One file of the pack: what it is for (role), which adapter runs it (family), where it comes from.</summary>
public sealed record ModelEntry(string Id, string? Role, string? Family, string? Package, string? Path, string File, string Sha256)
{
    /// <summary>Adapter settings a family understands (thresholds, input size); optional.</summary>
    public Dictionary<string, JsonElement>? Options { get; init; }

    /// <summary>
    /// The id of another entry this file is converted from at setup (e.g. a TF.js graph model to ONNX); the
    /// converted file is pinned by <see cref="Sha256"/> like any other, so the conversion must be deterministic.
    /// </summary>
    public string? ConvertFrom { get; init; }
}

public sealed record ModelPackManifest(IReadOnlyList<NpmPackage> Packages, IReadOnlyList<ModelEntry> Models, IReadOnlyList<ModelEntry> Fixtures)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The pack this build was made with (models/model-pack.json, embedded).</summary>
    public static ModelPackManifest Builtin { get; } = LoadBuiltin();

    public static ModelPackManifest Parse(string json, string origin)
    {
        ModelPackManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelPackManifest>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw new SightlineException(ErrorKind.InvalidParameter, $"Model manifest '{origin}' is not valid JSON: {ex.Message}", ex);
        }
        if (manifest is null)
            throw SightlineException.InvalidParameter($"Model manifest '{origin}' is empty.");
        manifest = manifest with
        {
            Packages = manifest.Packages ?? [],
            Models = manifest.Models ?? [],
            Fixtures = manifest.Fixtures ?? [],
        };
        manifest.Validate(origin);
        return manifest;
    }

    /// <summary>Adds a site's own entries (e.g. InsightFace-format files) to this pack; ids must not clash.</summary>
    public ModelPackManifest Merge(ModelPackManifest local)
    {
        foreach (var m in local.Models)
        {
            if (Models.Any(x => x.Id == m.Id))
                throw SightlineException.InvalidParameter($"Local model '{m.Id}' clashes with a model of the built-in pack.");
        }
        return this with { Packages = [.. Packages, .. local.Packages], Models = [.. Models, .. local.Models] };
    }

    private void Validate(string origin)
    {
        foreach (var entry in Models.Concat(Fixtures))
        {
            if (string.IsNullOrWhiteSpace(entry.Id) || string.IsNullOrWhiteSpace(entry.File))
                throw SightlineException.InvalidParameter($"Model manifest '{origin}': every entry needs an id and a file.");
            if (entry.File.Contains('/') || entry.File.Contains('\\') || entry.File.StartsWith('.'))
                throw SightlineException.InvalidParameter($"Model manifest '{origin}': file name '{entry.File}' of '{entry.Id}' must be a plain file name.");
            if (entry.Sha256 is not { Length: 64 } || !entry.Sha256.All(Uri.IsHexDigit))
                throw SightlineException.InvalidParameter($"Model manifest '{origin}': '{entry.Id}' needs a 64-digit hex sha256.");
            if (entry.Package is not null && !Packages.Any(p => p.Name == entry.Package))
                throw SightlineException.InvalidParameter($"Model manifest '{origin}': '{entry.Id}' names unknown package '{entry.Package}'.");
            if (entry.ConvertFrom is { } source && (entry.Package is not null || !Models.Any(m => m.Id == source && m.ConvertFrom is null)))
                throw SightlineException.InvalidParameter($"Model manifest '{origin}': '{entry.Id}' converts from '{source}', which must be a fetched model of the pack (and the entry must not name a package).");
        }
    }

    private static ModelPackManifest LoadBuiltin()
    {
        using var stream = typeof(ModelPackManifest).Assembly.GetManifestResourceStream("Sightline.Models.model-pack.json")
            ?? throw new InvalidOperationException("The built-in model manifest is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "built-in model-pack.json");
    }
}
