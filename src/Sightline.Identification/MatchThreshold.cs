using System.Globalization;

namespace Sightline.Identification;

/// <summary>Match thresholds are percentages: finite and from 0 to 100, as Rekognition documents them.</summary>
public static class MatchThreshold
{
    public static bool IsValid(float value) => float.IsFinite(value) && value is >= 0 and <= 100;

    /// <summary>The threshold as an audit record may hold it: only a valid one; anything else is left out.</summary>
    public static float? Recordable(float? value) => value is { } v && IsValid(v) ? v : null;

    /// <summary>InvalidParameter unless absent or valid.</summary>
    public static void Check(string name, float? value)
    {
        if (value is { } v && !IsValid(v))
            throw SightlineException.InvalidParameter(string.Create(CultureInfo.InvariantCulture, $"{name} must be a number from 0 to 100, got {v}."));
    }
}
