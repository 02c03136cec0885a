using System.Security.Cryptography;
using Sightline.Alerts;
using Sightline.Imaging;
using Sightline.Detectors.Models;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Detectors;

public sealed partial class DetectorRegistry
{
    /// <summary>Used when the caller gives no MinConfidence.</summary>
    public const float DefaultMinConfidence = 50;

    public const int MaxResultsLimit = 1000;

    /// <summary>
    /// The registered id a ProjectVersionArn names: the bare id, or an ARN
    /// (<c>arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT/version/VERSION/TIMESTAMP</c>) whose version name or last path segment is the id.
    /// </summary>
    public async Task<string> ResolveIdAsync(string? projectVersionArn, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(projectVersionArn))
            throw SightlineException.InvalidParameter("ProjectVersionArn is required: the registered detector id or an ARN naming it.");
        var candidates = new List<string> { projectVersionArn };
        if (projectVersionArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            var path = projectVersionArn.Split(':', 6) is { Length: 6 } parts ? parts[5].Split('/') : [];
            int version = Array.IndexOf(path, "version");
            if (version >= 0 && version + 1 < path.Length)
                candidates.Insert(0, path[version + 1]);
            if (path.Length > 0)
                candidates.Add(path[^1]);
        }
        foreach (var c in candidates)
        {
            if (await store.GetDetectorAsync(c, ct).ConfigureAwait(false) is not null)
                return c;
        }
        throw new SightlineException(ErrorKind.ResourceNotFound, $"No registered detector matches '{projectVersionArn}' (give its id, or an ARN whose version name or last segment is the id).");
    }

    /// <summary>DetectCustomLabels: instances at or above <paramref name="minConfidence"/> (0–100), most confident first; matches raise alerts.</summary>
    public async Task<DetectCustomLabelsResponse> DetectAsync(string id, DecodedImage image, float? minConfidence, int? maxResults, string? imageRef, CancellationToken ct)
    {
        if (minConfidence is { } m && (float.IsNaN(m) || m < 0 || m > 100))
            throw SightlineException.InvalidParameter($"MinConfidence must be from 0 to 100, got {m}.");
        if (maxResults is { } max && (max < 0 || max > MaxResultsLimit))
            throw SightlineException.InvalidParameter($"MaxResults must be from 0 to {MaxResultsLimit}, got {max}.");
        var loaded = await LoadedAsync(id, ct).ConfigureAwait(false);
        float floor = (minConfidence ?? DefaultMinConfidence) / 100f;
        // Alert rules see every instance down to the lowest rule's confidence, whatever the caller asked for.
        float? ruleFloor = alerts is null ? null : await alerts.LowestMinConfidenceAsync(ct).ConfigureAwait(false) / 100f;
        var labels = loaded.Record.Labels;
        var all = loaded.Detector.Detect(image.Bgr, Math.Min(floor, ruleFloor ?? floor))
            .Where(d => !DetectorLabels.IsBackground(labels[d.ClassId]) && d.Box.Area > 0)
            .OrderByDescending(d => d.Score)
            .Select(d => ToLabel(d, labels[d.ClassId], image.Width, image.Height))
            .ToList();
        if (alerts is not null)
            await alerts.EvaluateAsync("detector:" + id, imageRef, [.. all.Take(MaxResultsLimit).Select(l => new LabelledBox(l.Name, l.Confidence, Normal(l.Geometry!.BoundingBox)))], ct).ConfigureAwait(false);
        return new DetectCustomLabelsResponse([.. all.Where(l => l.Confidence >= floor * 100 - 1e-3f).Take(maxResults ?? MaxResultsLimit)]);
    }

    /// <summary>
    /// The detector's labelled detections on a frame at or above <paramref name="minScore"/> (0–1), background
    /// classes left out, boxes in the frame's pixels: for live cameras, which track and alert on their own.
    /// </summary>
    public async Task<IReadOnlyList<(string Label, float Score, Inference.RectF Box)>> DetectFrameAsync(string id, OpenCvSharp.Mat bgr, float minScore, CancellationToken ct)
    {
        var loaded = await LoadedAsync(id, ct).ConfigureAwait(false);
        var labels = loaded.Record.Labels;
        return [.. loaded.Detector.Detect(bgr, minScore).Where(d => !DetectorLabels.IsBackground(labels[d.ClassId]) && d.Box.Area > 0).Select(d => (labels[d.ClassId], d.Score, d.Box))];
    }

    private static NormalBox Normal(BoundingBox b) => new(b.Left, b.Top, b.Width, b.Height);

    private static CustomLabel ToLabel(ObjectDetection d, string name, int width, int height)
    {
        float l = d.Box.X1 / width, t = d.Box.Y1 / height, r = d.Box.X2 / width, b = d.Box.Y2 / height;
        return new CustomLabel(name, MathF.Round(d.Score * 100, 3), new Geometry(new BoundingBox(r - l, b - t, l, t), [new Point(l, t), new Point(r, t), new Point(r, b), new Point(l, b)]));
    }

    /// <summary>The detector, its model loaded on first use (the record is read first; the model file is loaded once).</summary>
    private async Task<LoadedDetector> LoadedAsync(string id, CancellationToken ct)
    {
        if (_loaded.TryGetValue(id, out var known) && known.IsValueCreated)
            return known.Value;
        var record = await store.GetDetectorAsync(id, ct).ConfigureAwait(false) ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No detector '{id}' is registered.");
        string? path = await files.TryGetLocalAsync(ModelKey(id), ct).ConfigureAwait(false);
        var lazy = _loaded.GetOrAdd(id, _ => new Lazy<LoadedDetector>(() => LoadRegistered(record, path)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<LoadedDetector>>(id, lazy));
            throw;
        }
    }

    private LoadedDetector LoadRegistered(DetectorRecord record, string? path)
    {
        string id = record.Id;
        if (path is null || !File.Exists(path))
            throw new SightlineException(ErrorKind.ModelUnavailable, $"The model file of detector '{id}' is missing ({ModelKey(id)}); remove and register it again.");
        string sha;
        using (var file = File.OpenRead(path))
            sha = Convert.ToHexStringLower(SHA256.HashData(file));
        if (sha != record.Sha256)
            throw new SightlineException(ErrorKind.ModelUnavailable, $"The model file of detector '{id}' changed since it was registered (sha256 {sha}, registered {record.Sha256}).");
        var layout = DetectorLayouts.Parse(record.Layout);
        try
        {
            return new LoadedDetector(record, Load(id, path, sha, layout, record.Labels.Count, record.InputWidth == record.InputHeight ? record.InputWidth : null));
        }
        catch (SightlineException ex) when (ex.Kind == ErrorKind.InvalidParameter)
        {
            throw new SightlineException(ErrorKind.ModelUnavailable, $"Detector '{id}' no longer loads: {ex.Message}", ex);
        }
    }
}
