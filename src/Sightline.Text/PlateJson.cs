using Sightline.Rekognition;

namespace Sightline.Text;

/// <summary>A plate read as the CLI and the native API return it: confidence 0–100, box as ratios of the image.</summary>
public sealed record PlateJson(string Text, float Confidence, BoundingBox BoundingBox, IReadOnlyList<Point> Polygon, string? Region, string RawText)
{
    public static PlateJson From(PlateRead p, int width, int height)
    {
        var b = p.Quad.Bounds.ClipTo(width, height);
        return new PlateJson(p.Text, MathF.Round(p.Confidence * 100, 2), new BoundingBox(b.Width / width, b.Height / height, b.X1 / width, b.Y1 / height),
            [.. p.Quad.Points.Select(q => new Point(q.X / width, q.Y / height))], p.Region, p.RawText);
    }
}
