namespace Sightline.Models;

/// <summary>
/// The setup step after the fetch: every entry with <c>convertFrom</c> whose file is missing or wrong is converted
/// from its (already verified) source, checked against its pinned sha256 and only then moved into place. A
/// converted file is a cache: deleting it regenerates the same bytes.
/// </summary>
public sealed class ModelPackConverter(ModelPackManifest manifest, string modelsDirectory, IReadOnlyList<IModelConverter> converters)
{
    public IEnumerable<ModelEntry> Entries => manifest.Models.Where(m => m.ConvertFrom is not null);

    /// <summary>Converts what is missing or corrupt; returns how many files were written.</summary>
    public async Task<int> ConvertAsync(IProgress<ModelPackFetcher.Progress>? progress, CancellationToken cancellationToken)
    {
        var entries = Entries.ToList();
        int written = 0, done = 0;
        foreach (var entry in entries)
        {
            string target = Path.Combine(modelsDirectory, entry.File);
            if (File.Exists(target) && ModelIntegrity.Sha256Hex(target) == entry.Sha256)
            {
                done++;
                continue;
            }
            var source = manifest.Models.Single(m => m.Id == entry.ConvertFrom);
            string sourcePath = Path.Combine(modelsDirectory, source.File);
            if (!File.Exists(sourcePath) || ModelIntegrity.Sha256Hex(sourcePath) != source.Sha256)
                throw new SightlineException(ErrorKind.ModelUnavailable, $"Cannot convert '{entry.Id}': its source {sourcePath} is missing or corrupt. Run '{ModelPaths.FetchCommand}'.");
            var converter = converters.FirstOrDefault(c => c.SourceFamily == source.Family)
                ?? throw new SightlineException(ErrorKind.ModelUnavailable, $"No converter reads '{source.Family}' models, needed for '{entry.Id}'.");
            progress?.Report(new ModelPackFetcher.Progress($"converting {source.File} to {entry.File}", done, entries.Count));
            byte[] bytes = await converter.ConvertAsync(sourcePath, cancellationToken).ConfigureAwait(false);
            string actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            if (actual != entry.Sha256)
                throw new SightlineException(ErrorKind.ModelUnavailable, $"Converting {source.File} gave {entry.File} with sha256 {actual}, expected {entry.Sha256}: this build's converter does not reproduce the pinned model.");
            string temp = target + ".part";
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
            written++;
            done++;
            progress?.Report(new ModelPackFetcher.Progress($"converted and verified {entry.File}", done, entries.Count));
        }
        return written;
    }
}
