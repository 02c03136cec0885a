using System.Collections.Concurrent;
using Sightline.Faces;
using Sightline.Imaging;

namespace Sightline.Evaluation;

/// <summary>Embeds the largest face of each file once; null when no face is found.</summary>
public sealed class EmbeddingCache(FaceEngine engine, ImageDecoder decoder)
{
    private readonly ConcurrentDictionary<string, float[]?> _cache = new(StringComparer.Ordinal);

    public float[]? Get(string path, CancellationToken cancellationToken) =>
        _cache.GetOrAdd(path, p =>
        {
            DecodedImage image;
            try
            {
                image = decoder.DecodeFile(p);
            }
            catch (SightlineException ex)
            {
                throw new SightlineException(ex.Kind, $"{Path.GetFileName(p)}: {ex.Message}", ex);
            }
            using var _ = image;
            var faces = engine.Analyze(image, new FaceRequest { Embeddings = true, MaxFaces = 1 }, cancellationToken);
            return faces.Count == 0 ? null : faces[0].Embedding;
        });

    /// <summary>Embeds all files, in parallel across files when the engine has spare cores.</summary>
    public void Prefetch(IReadOnlyCollection<string> paths, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        int done = 0;
        try
        {
            Parallel.ForEach(paths, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, p =>
            {
                Get(p, cancellationToken);
                progress?.Report(Interlocked.Increment(ref done));
            });
        }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions.OfType<SightlineException>().FirstOrDefault() is { } refused)
        {
            // A file the evaluation cannot use is the caller's mistake, reported as itself rather than as a fault.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refused).Throw();
        }
    }
}

public static class EvalPaths
{
    /// <summary>Evaluation images come from labelled sets, some below Rekognition's 80 px floor (e.g. 128 px test images).</summary>
    public static Imaging.ImageDecoder Decoder() => new(Imaging.ImageLimits.Default with { MinSide = 16 });

    /// <summary>Resolves a CSV path entry against --root (or the CSV's folder) and refuses to leave that root.</summary>
    public static string Resolve(string root, string relative)
    {
        string top = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(top, relative));
        if (!full.StartsWith(top, StringComparison.Ordinal))
            throw SightlineException.InvalidParameter($"Image '{relative}' listed in the CSV is outside '{root}'.");
        if (!File.Exists(full))
            throw SightlineException.InvalidParameter($"Image '{relative}' listed in the CSV does not exist under '{root}'.");
        return full;
    }
}
