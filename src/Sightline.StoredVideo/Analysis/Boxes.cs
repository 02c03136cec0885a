using Sightline.Rekognition;

namespace Sightline.StoredVideo.Analysis;

internal static class Boxes
{
    /// <summary>Intersection over union of two boxes (any common unit).</summary>
    public static float Iou(BoundingBox a, BoundingBox b)
    {
        float x1 = Math.Max(a.Left, b.Left), y1 = Math.Max(a.Top, b.Top);
        float x2 = Math.Min(a.Left + a.Width, b.Left + b.Width), y2 = Math.Min(a.Top + a.Height, b.Top + b.Height);
        float inter = Math.Max(0, x2 - x1) * Math.Max(0, y2 - y1);
        float union = a.Width * a.Height + b.Width * b.Height - inter;
        return union > 0 ? inter / union : 0;
    }
}
