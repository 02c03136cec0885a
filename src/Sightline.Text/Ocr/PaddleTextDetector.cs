using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Text.Ocr;

/// <summary>
/// PP-OCR DB text detector (ONNX, <c>x</c> [N,3,H,W] → probability map [N,1,H,W]): the image is scaled so its
/// longer side is at most <see cref="MaxSide"/> (sides multiples of 32), BGR with ImageNet mean/std; the map is
/// thresholded, each connected region becomes a minimum-area rectangle scored by its mean probability, then grown
/// ("unclipped") by area × ratio / perimeter as DB's training shrank it.
/// </summary>
public sealed class PaddleTextDetector : IDisposable
{
    /// <summary>PaddleOCR's defaults for PP-OCRv4 det: pixel threshold, box threshold, unclip ratio.</summary>
    public const float PixelThreshold = 0.3f, BoxThreshold = 0.6f, UnclipRatio = 1.5f;

    private static readonly float[] s_mean = [0.485f * 255, 0.456f * 255, 0.406f * 255];
    private static readonly float[] s_scale = [1 / (0.229f * 255), 1 / (0.224f * 255), 1 / (0.225f * 255)];

    public PaddleTextDetector(ModelFile file, InferenceOptions options, int maxSide = 960)
    {
        Model = new OnnxModel(file, options);
        var dims = Model.Inputs.Values.Single().Dimensions;
        if (dims.Length != 4 || dims[1] != 3)
            throw Model.Unsupported("input must be [N,3,H,W]");
        if (Model.Outputs.Count != 1 || Model.Outputs.Values.Single().Dimensions is not { Length: 4 } o || o[1] != 1)
            throw Model.Unsupported("output must be one probability map [N,1,H,W]");
        MaxSide = maxSide;
    }

    public OnnxModel Model { get; }

    public int MaxSide { get; }

    /// <summary>Text regions in <paramref name="bgr"/>, in image pixels.</summary>
    public List<TextQuad> Detect(Mat bgr, int? maxSide = null)
    {
        int limit = maxSide ?? MaxSide;
        double scale = Math.Min(1.0, limit / (double)Math.Max(bgr.Width, bgr.Height));
        int w = Math.Max(32, (int)Math.Round(bgr.Width * scale / 32) * 32), h = Math.Max(32, (int)Math.Round(bgr.Height * scale / 32) * 32);
        using var resized = new Mat();
        Cv2.Resize(bgr, resized, new Size(w, h), 0, 0, InterpolationFlags.Linear);
        using var outputs = Model.Run([1, 3, h, w], resized, static (span, m) => ImageOps.ToChw(m, span, rgb: false, s_mean, s_scale));
        var prob = outputs[0].GetTensorDataAsSpan<float>();
        using var map = new Mat(h, w, MatType.CV_32FC1);
        prob[..(w * h)].CopyTo(MemoryMarshalSpan(map, w * h));
        return Boxes(map, bgr.Width / (float)w, bgr.Height / (float)h, bgr.Width, bgr.Height);
    }

    private static unsafe Span<float> MemoryMarshalSpan(Mat m, int length) => new((void*)m.Data, length);

    private static List<TextQuad> Boxes(Mat map, float sx, float sy, int width, int height)
    {
        using var bitmap = new Mat();
        Cv2.Threshold(map, bitmap, PixelThreshold, 255, ThresholdTypes.Binary);
        using var mask = new Mat();
        bitmap.ConvertTo(mask, MatType.CV_8UC1);
        Cv2.FindContours(mask, out var contours, out _, RetrievalModes.List, ContourApproximationModes.ApproxSimple);
        var quads = new List<TextQuad>();
        foreach (var contour in contours.Take(1000))
        {
            if (contour.Length < 4)
                continue;
            var rect = Cv2.MinAreaRect(contour);
            if (Math.Min(rect.Size.Width, rect.Size.Height) < 3)
                continue;
            float score = MeanInside(map, contour);
            if (score < BoxThreshold)
                continue;
            // Unclip: DB shrank each text region by D = A(1 − r²)/L when training; grow it back by A·ratio/L.
            double area = Cv2.ContourArea(contour), perimeter = Cv2.ArcLength(contour, true);
            float d = (float)(area * UnclipRatio / Math.Max(perimeter, 1e-6));
            var grown = new RotatedRect(rect.Center, new Size2f(rect.Size.Width + 2 * d, rect.Size.Height + 2 * d), rect.Angle);
            if (Math.Min(grown.Size.Width, grown.Size.Height) < 5)
                continue;
            quads.Add(Order(grown.Points(), sx, sy, width, height, score));
        }
        return quads;
    }

    /// <summary>Mean probability inside the contour (over its bounding box, masked), as DB's box score.</summary>
    private static float MeanInside(Mat map, Point[] contour)
    {
        var box = Cv2.BoundingRect(contour) & new Rect(0, 0, map.Width, map.Height);
        if (box.Width <= 0 || box.Height <= 0)
            return 0;
        using var mask = new Mat(box.Height, box.Width, MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(mask, [contour.Select(p => new Point(p.X - box.X, p.Y - box.Y)).ToArray()], Scalar.All(1));
        using var roi = new Mat(map, box);
        return (float)Cv2.Mean(roi, mask).Val0;
    }

    /// <summary>Corners in reading order: the two leftmost become top-left/bottom-left, the others top-right/bottom-right.</summary>
    private static TextQuad Order(Point2f[] corners, float sx, float sy, int width, int height, float score)
    {
        var byX = corners.Select(p => new PointF(Math.Clamp(p.X * sx, 0, width - 1), Math.Clamp(p.Y * sy, 0, height - 1))).OrderBy(p => p.X).ToArray();
        var (tl, bl) = byX[0].Y <= byX[1].Y ? (byX[0], byX[1]) : (byX[1], byX[0]);
        var (tr, br) = byX[2].Y <= byX[3].Y ? (byX[2], byX[3]) : (byX[3], byX[2]);
        return new TextQuad(tl, tr, br, bl, score);
    }

    public void Dispose() => Model.Dispose();
}
