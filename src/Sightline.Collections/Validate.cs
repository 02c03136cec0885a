using System.Text.RegularExpressions;

namespace Sightline.Collections;

/// <summary>Rekognition's parameter rules, checked at the boundary; failures are InvalidParameter.</summary>
public static partial class Validate
{
    [GeneratedRegex("^[a-zA-Z0-9_.\\-]{1,255}$")]
    private static partial Regex CollectionIdPattern();

    [GeneratedRegex("^[a-zA-Z0-9_.\\-:]{1,255}$")]
    private static partial Regex ExternalImageIdPattern();

    public static string CollectionId(string? id) =>
        id is not null && CollectionIdPattern().IsMatch(id)
            ? id
            : throw SightlineException.InvalidParameter($"CollectionId '{id}' is invalid: 1-255 characters of a-z, A-Z, 0-9, '_', '.', '-'.");

    public static string? ExternalImageId(string? id) =>
        id is null || ExternalImageIdPattern().IsMatch(id)
            ? id
            : throw SightlineException.InvalidParameter($"ExternalImageId '{id}' is invalid: 1-255 characters of a-z, A-Z, 0-9, '_', '.', '-', ':'.");

    [GeneratedRegex("^[a-zA-Z0-9_.\\-:]{1,128}$")]
    private static partial Regex UserIdPattern();

    public static string UserId(string? id) =>
        id is not null && UserIdPattern().IsMatch(id)
            ? id
            : throw SightlineException.InvalidParameter($"UserId '{id}' is invalid: 1-128 characters of a-z, A-Z, 0-9, '_', '.', '-', ':'.");

    public static string FaceId(string? id) =>
        id is not null && Guid.TryParseExact(id, "D", out _)
            ? id.ToLowerInvariant()
            : throw SightlineException.InvalidParameter($"FaceId '{id}' is not a UUID.");

    public static int Range(string name, int? value, int fallback, int min, int max)
    {
        int v = value ?? fallback;
        return v >= min && v <= max ? v : throw SightlineException.InvalidParameter($"{name} must be between {min} and {max}, got {v}.");
    }

    public static float Range(string name, float? value, float fallback, float min, float max)
    {
        float v = value ?? fallback;
        return float.IsFinite(v) && v >= min && v <= max ? v : throw SightlineException.InvalidParameter($"{name} must be between {min} and {max}, got {v}.");
    }

    public static float Threshold(string name, float? value, float fallback)
    {
        float v = value ?? fallback;
        return !float.IsNaN(v) && v is >= 0 and <= 100 ? v : throw SightlineException.InvalidParameter($"{name} must be between 0 and 100, got {v}.");
    }
}
