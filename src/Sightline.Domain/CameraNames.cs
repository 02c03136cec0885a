using System.Text.RegularExpressions;

namespace Sightline;

/// <summary>The one rule for camera and zone names, shared by camera definitions and the alert rules that name them.</summary>
public static partial class CameraNames
{
    public const int MaxLength = 64;

    /// <summary>1–64 letters, digits, '-' or '_', starting with a letter or digit.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    public static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);
}
