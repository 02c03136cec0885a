using Sightline.Inference;

namespace Sightline.Faces;

/// <summary>Mouth opening from the 68 landmarks: inner-lip gap over mouth width.</summary>
public static class MouthGeometry
{
    /// <summary>Mean inner-lip gap (61–67, 62–66, 63–65) divided by the mouth-corner distance (48–54).</summary>
    public static float OpenRatio(ReadOnlySpan<PointF> p)
    {
        float gap = (Distance(p[61], p[67]) + Distance(p[62], p[66]) + Distance(p[63], p[65])) / 3f;
        float width = Distance(p[48], p[54]);
        return width <= 0 ? 0 : gap / width;
    }

    private static float Distance(PointF a, PointF b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
