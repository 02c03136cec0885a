namespace Sightline.Models;

/// <summary>
/// Turns a fetched source model (the entry named by <see cref="ModelEntry.ConvertFrom"/>) into the file the pack
/// pins. Implemented above this layer (the TF.js importer) so the model pack does not depend on converters.
/// </summary>
public interface IModelConverter
{
    /// <summary>The source entry's family this converter reads (e.g. "tfjs").</summary>
    string SourceFamily { get; }

    /// <summary>Converts <paramref name="sourcePath"/> and returns the bytes of the converted model.</summary>
    Task<byte[]> ConvertAsync(string sourcePath, CancellationToken cancellationToken);
}
