using OpenCvSharp;
using Sightline.Inference;

namespace Sightline.Faces.Detection;

/// <summary>
/// Runs a fixed-input detector over a multi-scale tile pyramid in parallel, drops detections cut by an
/// interior tile edge (a neighbouring tile or a coarser level holds that face whole), and merges the rest with NMS.
/// </summary>
public sealed class TiledFaceDetector(IRegionDetector inner, DetectorOptions options, float defaultThreshold,
    IRegionDetector? verifier = null, float verifierThreshold = 0.5f) : IFaceDetector
{
    private const float MinVerifiedFace = 48;

    public string ModelId => inner.ModelId;

    public IRegionDetector Inner => inner;

    public IRegionDetector? Verifier => verifier;

    public IReadOnlyList<DetectedFace> Detect(Mat bgr, CancellationToken cancellationToken)
    {
        var tiles = TilePlanner.Plan(bgr.Width, bgr.Height, inner.InputWidth, inner.InputHeight, options.Tiling);
        float threshold = options.ScoreThreshold ?? defaultThreshold;
        var perTile = new List<DetectedFace>[tiles.Count];
        using var pyramid = new ScalePyramid(bgr, tiles.Select(t => inner.InputWidth / t.Region.Width));
        Parallel.For(0, tiles.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.Parallelism }, i =>
        {
            var tile = tiles[i];
            var (level, scale) = pyramid.For(inner.InputWidth / tile.Region.Width);
            // Whole-pixel origin at the level's scale, so a tile inside the level image is a plain view (no resampling).
            float x1 = MathF.Round(tile.Region.X1 * scale), y1 = MathF.Round(tile.Region.Y1 * scale);
            var region = new RectF(x1, y1, x1 + MathF.Round(tile.Region.Width * scale), y1 + MathF.Round(tile.Region.Height * scale));
            var found = inner.DetectRegion(level, region, threshold).ConvertAll(f => f with { Box = Unscale(f.Box, scale), Keypoints = Unscale(f.Keypoints, scale) });
            perTile[i] = tile.Level == 0 ? found : found.FindAll(f => !IsCut(f.Box, tile.Region, bgr.Width, bgr.Height));
        });
        var merged = Nms.Suppress(perTile.SelectMany(t => t), options.NmsIoU);
        if (!options.Confirm || merged.Count == 0)
            return merged;
        var confirmed = new DetectedFace?[merged.Count];
        Parallel.For(0, merged.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.Parallelism }, i =>
            confirmed[i] = Confirm(bgr, merged[i], threshold));
        return [.. confirmed.OfType<DetectedFace>()];
    }

    /// <summary>
    /// Second look at a candidate at the preferred scale of the verifying model (a second detector family when one
    /// is configured, else the same one): a region about twice the face size, centred on it. Texture that fired by
    /// chance at one tile scale (fur, hair, hands) rarely fires again for an independent model, while a real face
    /// does. The candidate keeps its own box and score (docs/accuracy.md, "Detector choice").
    /// </summary>
    private DetectedFace? Confirm(Mat bgr, DetectedFace candidate, float threshold)
    {
        // Below ~48 px a face upscaled for the verifier is too blurred for it; the detector re-checks itself there.
        bool useVerifier = verifier is not null && Math.Min(candidate.Box.Width, candidate.Box.Height) >= MinVerifiedFace;
        var checker = useVerifier ? verifier! : inner;
        float minScore = useVerifier ? verifierThreshold : threshold;
        float aspect = checker.InputWidth / (float)checker.InputHeight;
        var box = candidate.Box;
        float h = Math.Max(box.Height, box.Width / aspect) * 2.2f;
        float w = h * aspect;
        var region = new RectF(box.CenterX - w / 2, box.CenterY - h / 2, box.CenterX + w / 2, box.CenterY + h / 2);
        foreach (var d in checker.DetectRegion(bgr, region, minScore))
        {
            bool centreInside = d.Box.CenterX > box.X1 && d.Box.CenterX < box.X2 && d.Box.CenterY > box.Y1 && d.Box.CenterY < box.Y2;
            if (centreInside && d.Box.IoU(box) >= 0.25f)
                return candidate;
        }
        return null;
    }

    private static RectF Unscale(RectF b, float scale) => new(b.X1 / scale, b.Y1 / scale, b.X2 / scale, b.Y2 / scale);

    private static PointF[]? Unscale(PointF[]? points, float scale) =>
        points?.Select(p => new PointF(p.X / scale, p.Y / scale)).ToArray();

    /// <summary>True when the box touches an edge of the tile that lies inside the image.</summary>
    internal static bool IsCut(RectF box, RectF tile, int imageWidth, int imageHeight)
    {
        float mx = tile.Width * 0.01f, my = tile.Height * 0.01f;
        return (tile.X1 > 0 && box.X1 <= tile.X1 + mx)
            || (tile.Y1 > 0 && box.Y1 <= tile.Y1 + my)
            || (tile.X2 < imageWidth && box.X2 >= tile.X2 - mx)
            || (tile.Y2 < imageHeight && box.Y2 >= tile.Y2 - my);
    }

    public void Dispose()
    {
        inner.Dispose();
        verifier?.Dispose();
    }
}
