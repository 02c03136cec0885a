using OpenCvSharp;

namespace Sightline.Inference.Detection;

/// <summary>
/// Runs a fixed-input detector over a multi-scale tile pyramid in parallel, drops detections cut by an
/// interior tile edge (a neighbouring tile or a coarser level holds that face whole), and merges the rest with NMS.
/// </summary>
public sealed class TiledFaceDetector(IRegionDetector inner, DetectorOptions options, float defaultThreshold) : IFaceDetector
{
    public string ModelId => inner.ModelId;

    public IRegionDetector Inner => inner;

    public IReadOnlyList<DetectedFace> Detect(Mat bgr, CancellationToken cancellationToken)
    {
        var tiles = TilePlanner.Plan(bgr.Width, bgr.Height, inner.InputWidth, inner.InputHeight, options.Tiling);
        float threshold = options.ScoreThreshold ?? defaultThreshold;
        var perTile = new List<DetectedFace>[tiles.Count];
        Parallel.For(0, tiles.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var tile = tiles[i];
            var found = inner.DetectRegion(bgr, tile.Region, threshold);
            perTile[i] = tile.Level == 0 ? found : found.FindAll(f => !IsCut(f.Box, tile.Region, bgr.Width, bgr.Height));
        });
        return Nms.Suppress(perTile.SelectMany(t => t), options.NmsIoU);
    }

    /// <summary>True when the box touches an edge of the tile that lies inside the image.</summary>
    internal static bool IsCut(RectF box, RectF tile, int imageWidth, int imageHeight)
    {
        float mx = tile.Width * 0.01f, my = tile.Height * 0.01f;
        return (tile.X1 > 0 && box.X1 <= tile.X1 + mx)
            || (tile.Y1 > 0 && box.Y1 <= tile.Y1 + my)
            || (tile.X2 < imageWidth && box.X2 >= tile.X2 - mx)
            || (tile.Y2 < imageHeight && box.Y2 >= tile.Y2 - my);
    }

    public void Dispose() => inner.Dispose();
}
