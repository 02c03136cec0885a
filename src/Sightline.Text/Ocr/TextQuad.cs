using Sightline.Inference;
namespace Sightline.Text.Ocr;

/// <summary>
/// A text region as a quadrilateral in image pixels, corners clockwise from the top-left of the text's own
/// orientation (top-left, top-right, bottom-right, bottom-left), with the detector's score.
/// </summary>
public sealed record TextQuad(PointF TopLeft, PointF TopRight, PointF BottomRight, PointF BottomLeft, float Score)
{
    public IReadOnlyList<PointF> Points => [TopLeft, TopRight, BottomRight, BottomLeft];

    public RectF Bounds => new(
        Points.Min(p => p.X), Points.Min(p => p.Y), Points.Max(p => p.X), Points.Max(p => p.Y));

    public float Width => (Distance(TopLeft, TopRight) + Distance(BottomLeft, BottomRight)) / 2;

    public float Height => (Distance(TopLeft, BottomLeft) + Distance(TopRight, BottomRight)) / 2;

    /// <summary>The sub-quad between fractions <paramref name="from"/> and <paramref name="to"/> of the reading direction.</summary>
    public TextQuad Span(float from, float to, float score) => new(
        Lerp(TopLeft, TopRight, from), Lerp(TopLeft, TopRight, to), Lerp(BottomLeft, BottomRight, to), Lerp(BottomLeft, BottomRight, from), score);

    private static PointF Lerp(PointF a, PointF b, float t) => new(a.X + (b.X - a.X) * t, a.Y + (b.Y - a.Y) * t);

    private static float Distance(PointF a, PointF b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
