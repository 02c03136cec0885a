using Sightline.Faces;

namespace Sightline.Collections;

/// <summary>
/// IndexFaces' QualityFilter. NONE keeps every face; AUTO is MEDIUM. A face fails a level when it is smaller,
/// less confident, blurrier, darker or more turned than that level allows; each failed test is a Rekognition
/// reason. The bars are this engine's own (its confidence, sharpness and pose scales), set so that the
/// development photos' faces pass MEDIUM and blurred, tiny or profile faces do not.
/// </summary>
public static class QualityFilter
{
    private sealed record Bar(float MinSide, float MinConfidence, float MinSharpness, float MinBrightness, float MaxYaw, float MaxPitch);

    private static readonly Dictionary<string, Bar?> s_levels = new(StringComparer.Ordinal)
    {
        ["NONE"] = null,
        ["LOW"] = new(24, 0.70f, 5, 5, 80, 60),
        ["MEDIUM"] = new(40, 0.85f, 15, 10, 60, 45),
        ["AUTO"] = new(40, 0.85f, 15, 10, 60, 45),
        ["HIGH"] = new(64, 0.95f, 30, 20, 40, 30),
    };

    public static string Parse(string? value) =>
        value is null ? "AUTO" : s_levels.ContainsKey(value) ? value
            : throw SightlineException.InvalidParameter($"QualityFilter '{value}' is invalid: NONE, AUTO, LOW, MEDIUM or HIGH.");

    /// <summary>The reasons a face fails the level; empty when it passes.</summary>
    public static List<string> Reasons(AnalyzedFace face, string level)
    {
        var reasons = new List<string>();
        if (s_levels[level] is not { } bar)
            return reasons;
        if (Math.Min(face.Box.Width, face.Box.Height) < bar.MinSide) reasons.Add("SMALL_BOUNDING_BOX");
        if (face.Score < bar.MinConfidence) reasons.Add("LOW_CONFIDENCE");
        if (face.Sharpness < bar.MinSharpness) reasons.Add("LOW_SHARPNESS");
        if (face.Brightness < bar.MinBrightness) reasons.Add("LOW_BRIGHTNESS");
        if (Math.Abs(face.Pose.Yaw) > bar.MaxYaw || Math.Abs(face.Pose.Pitch) > bar.MaxPitch) reasons.Add("EXTREME_POSE");
        return reasons;
    }
}
