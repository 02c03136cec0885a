namespace Sightline.Inference;

public readonly record struct PointF(float X, float Y);

/// <summary>An axis-aligned box in pixels, corners inclusive-exclusive.</summary>
public readonly record struct RectF(float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;

    public float Height => Y2 - Y1;

    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public float CenterX => (X1 + X2) * 0.5f;

    public float CenterY => (Y1 + Y2) * 0.5f;

    public static RectF FromXywh(float x, float y, float w, float h) => new(x, y, x + w, y + h);

    public float Intersection(RectF other)
    {
        float w = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        float h = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    public float IoU(RectF other)
    {
        float inter = Intersection(other);
        return inter <= 0 ? 0 : inter / (Area + other.Area - inter);
    }

    /// <summary>The same box grown about its centre.</summary>
    public RectF Scale(float factor)
    {
        float hw = Width * factor * 0.5f, hh = Height * factor * 0.5f;
        return new(CenterX - hw, CenterY - hh, CenterX + hw, CenterY + hh);
    }

    public RectF ClipTo(int width, int height) =>
        new(Math.Clamp(X1, 0, width), Math.Clamp(Y1, 0, height), Math.Clamp(X2, 0, width), Math.Clamp(Y2, 0, height));
}

/// <summary>A face candidate from a detector, in image pixels. Keypoints are optional (BlazeFace gives 6).</summary>
public sealed record DetectedFace(RectF Box, float Score, PointF[]? Keypoints = null);
