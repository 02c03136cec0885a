using OpenCvSharp;
using Sightline.Inference;

namespace Sightline.Faces;

/// <summary>
/// The small face images kept for the people who review matches: an indexed face's own crop, and the searched face of a
/// search that made leads. The face box with a quarter of its size as margin on each side, scaled down so its longer
/// side is at most <see cref="MaxSide"/> pixels, as JPEG.
/// </summary>
public static class FaceCrops
{
    /// <summary>Large enough to compare faces by eye, small enough (about 10 KB) to keep one per enrolled face.</summary>
    public const int MaxSide = 224;

    private const int Quality = 88;

    public static byte[] Jpeg(Mat bgr, RectF box, int maxSide = MaxSide)
    {
        ArgumentNullException.ThrowIfNull(bgr);
        float mw = box.Width * 0.25f, mh = box.Height * 0.25f;
        int x1 = (int)Math.Clamp(box.X1 - mw, 0, bgr.Width - 1), y1 = (int)Math.Clamp(box.Y1 - mh, 0, bgr.Height - 1);
        int x2 = (int)Math.Clamp(box.X2 + mw, x1 + 1, bgr.Width), y2 = (int)Math.Clamp(box.Y2 + mh, y1 + 1, bgr.Height);
        using var crop = new Mat(bgr, new Rect(x1, y1, x2 - x1, y2 - y1));
        int longer = Math.Max(crop.Width, crop.Height);
        if (longer <= maxSide)
            return crop.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, Quality));
        double scale = (double)maxSide / longer;
        using var small = new Mat();
        Cv2.Resize(crop, small, new Size(Math.Max(1, (int)Math.Round(crop.Width * scale)), Math.Max(1, (int)Math.Round(crop.Height * scale))), 0, 0, InterpolationFlags.Area);
        return small.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, Quality));
    }
}
