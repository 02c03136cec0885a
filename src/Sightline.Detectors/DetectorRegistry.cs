using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Sightline.Alerts;
using Sightline.Inference;
using Sightline.Detectors.Models;
using Sightline.Models;
using Sightline.Storage;

namespace Sightline.Detectors;

/// <summary>
/// Custom object detectors an agency registers: each model is checked at the boundary (readable ONNX, a known
/// layout, class count = labels), kept in the file store as <c>detectors/ID.onnx</c> (so every server sharing the
/// database loads it) with its SHA-256 in the database (audited), and loaded once on first use (the file's hash is
/// checked again then). The server and the CLI share it.
/// </summary>
public sealed partial class DetectorRegistry(IFileStore files, IDetectorStore store, IAlertEvaluator? alerts = null, InferenceOptions? options = null) : IDisposable
{
    /// <summary>Largest model file accepted (YOLOv8x is about 270 MB as float32; larger models are not for a CPU server).</summary>
    public const long MaxModelBytes = 512L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Lazy<LoadedDetector>> _loaded = new(StringComparer.Ordinal);
    private readonly InferenceOptions _options = options ?? new InferenceOptions();

    public Task<IReadOnlyList<DetectorRecord>> ListAsync(CancellationToken ct) => store.ListDetectorsAsync(ct);

    /// <summary>The model's key in the file store.</summary>
    public static string ModelKey(string id) => "detectors/" + id + ".onnx";

    [GeneratedRegex("^[a-zA-Z0-9_.\\-]{1,64}$")]
    private static partial Regex IdPattern();

    public static string ValidateId(string? id) =>
        id is not null && IdPattern().IsMatch(id) && id is not ("." or "..")
            ? id
            : throw SightlineException.InvalidParameter($"A detector id is 1–64 letters, digits, '.', '_' or '-'; got '{id}'.");

    public async Task<DetectorRecord> RegisterAsync(AuditEntry audit, string? id, Stream model, string labelsText, string? layout, int? inputSize, string? createdBy, CancellationToken ct)
    {
        id = ValidateId(id);
        var asked = DetectorLayouts.Parse(layout);
        var labels = DetectorLabels.Parse(labelsText);
        if (await store.GetDetectorAsync(id, ct).ConfigureAwait(false) is not null)
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"A detector with id '{id}' is already registered; remove it first.");
        string temp = files.TempPath(ModelKey(id));
        try
        {
            var (sha, size) = await CopyAsync(model, temp, ct).ConfigureAwait(false);
            DetectorRecord record;
            using (var detector = Load(id, temp, sha, asked, labels.Count, inputSize))
            {
                record = new DetectorRecord(id, detector.Layout.Layout.Name(), detector.InputWidth, detector.InputHeight, labels, sha, size, createdBy, DateTimeOffset.UtcNow);
            }
            await files.PutAsync(ModelKey(id), temp, ct).ConfigureAwait(false);
            try
            {
                await store.AddDetectorAsync(audit, record, ct).ConfigureAwait(false);
            }
            catch
            {
                await files.DeleteAsync(ModelKey(id), CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            return record;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task RemoveAsync(AuditEntry audit, string id, CancellationToken ct)
    {
        if (!await store.DeleteDetectorAsync(audit, id, ct).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceNotFound, $"No detector '{id}' is registered.");
        if (_loaded.TryRemove(id, out var loaded) && loaded.IsValueCreated)
            loaded.Value.Detector.Dispose();
        await files.DeleteAsync(ModelKey(id), CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<(string Sha256, long Size)> CopyAsync(Stream model, string path, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var buffer = new byte[81920];
        await using (var file = File.Create(path))
        {
            int n;
            while ((n = await model.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                size += n;
                if (size > MaxModelBytes)
                    throw SightlineException.TooLarge($"The model file is larger than {MaxModelBytes / (1024 * 1024)} MiB.");
                hash.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }
        }
        if (size == 0)
            throw SightlineException.InvalidParameter("The model file is empty.");
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    private CustomDetector Load(string id, string path, string sha, DetectorLayout layout, int classes, int? inputSize)
    {
        var file = new ModelFile(new ModelEntry(id, "detector", "custom", null, null, Path.GetFileName(path), sha), path);
        try
        {
            return new CustomDetector(file, layout, classes, inputSize, _options);
        }
        catch (SightlineException ex) when (ex.Kind == ErrorKind.ModelUnavailable)
        {
            throw SightlineException.InvalidParameter($"The model is not a readable ONNX file: {ex.InnerException?.Message ?? ex.Message}");
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
        {
            throw SightlineException.InvalidParameter($"The model could not be run: {ex.Message}");
        }
    }

    public void Dispose()
    {
        foreach (var loaded in _loaded.Values.Where(l => l.IsValueCreated))
            loaded.Value.Detector.Dispose();
        _loaded.Clear();
    }

    private sealed record LoadedDetector(DetectorRecord Record, CustomDetector Detector);
}
