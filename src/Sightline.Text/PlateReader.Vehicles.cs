using OpenCvSharp;
using Sightline.Inference;
using Sightline.Objects.Detection;
using Sightline.Text.Ocr;

namespace Sightline.Text;

/// <summary>
/// A closer look at vehicles without a plate read: with an object detector, each car, motorcycle, bus or truck
/// (COCO classes) that no candidate lies in is cut out, enlarged so its longer side is <see cref="CloserLookSide"/>
/// (at most <see cref="MaxEnlargement"/>×), and its text read again; a plate too small for the whole-image
/// detector, or merged with nearby print, is found there. The lines found are mapped back to image pixels.
/// </summary>
public sealed partial class PlateReader
{
    /// <summary>COCO-80 class ids of car, motorcycle, bus and truck.</summary>
    private static readonly int[] s_vehicleClasses = [2, 3, 5, 7];

    /// <summary>Detector score a vehicle needs for a closer look.</summary>
    public const float VehicleMinScore = 0.3f;

    /// <summary>Most vehicles looked at per image (largest first): bounds the cost of a car park.</summary>
    public const int MaxCloserLooks = 4;

    public const int CloserLookSide = 960;

    public const float MaxEnlargement = 4f;

    private IEnumerable<List<TextLine>> CloserLooks(Mat bgr, List<(TextLine Line, string Plate)> found, CancellationToken ct)
    {
        if (vehicles is null)
            yield break;
        var boxes = vehicles.Detect(bgr, VehicleMinScore)
            .Where(d => s_vehicleClasses.Contains(d.ClassId) && d.Box.Width >= 32 && d.Box.Height >= 32)
            .Select(d => d.Box)
            .OrderByDescending(b => b.Area)
            .Take(MaxCloserLooks)
            .ToList();
        foreach (var box in boxes)
        {
            ct.ThrowIfCancellationRequested();
            if (found.Any(c => Inside(box, c.Line.Quad.Bounds.CenterX, c.Line.Quad.Bounds.CenterY)))
                continue;
            yield return Look(bgr, box, ct);
        }
    }

    private List<TextLine> Look(Mat bgr, RectF box, CancellationToken ct)
    {
        int x = Math.Clamp((int)box.X1, 0, bgr.Width - 1), y = Math.Clamp((int)box.Y1, 0, bgr.Height - 1);
        int w = Math.Clamp((int)Math.Ceiling(box.Width), 1, bgr.Width - x), h = Math.Clamp((int)Math.Ceiling(box.Height), 1, bgr.Height - y);
        float scale = Math.Clamp(CloserLookSide / (float)Math.Max(w, h), 1f, MaxEnlargement);
        using var roi = new Mat(bgr, new Rect(x, y, w, h));
        using var enlarged = new Mat();
        Cv2.Resize(roi, enlarged, new Size((int)Math.Round(w * scale), (int)Math.Round(h * scale)), 0, 0, InterpolationFlags.Cubic);
        PointF Back(PointF p) => new(x + p.X / scale, y + p.Y / scale);
        return [.. text.Read(enlarged, CloserLookSide, ct).Select(l => l with
        {
            Quad = Map(l.Quad, Back),
            Words = [.. l.Words.Select(word => word with { Quad = Map(word.Quad, Back) })],
        })];
    }

    private static TextQuad Map(TextQuad q, Func<PointF, PointF> f) => new(f(q.TopLeft), f(q.TopRight), f(q.BottomRight), f(q.BottomLeft), q.Score);

    private static bool Inside(RectF box, float px, float py) => px >= box.X1 && px <= box.X2 && py >= box.Y1 && py <= box.Y2;
}
