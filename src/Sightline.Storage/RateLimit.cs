using System.Globalization;

namespace Sightline.Storage;

/// <summary>
/// How many requests one access key may make: <see cref="PerSecond"/> on average, up to <see cref="Burst"/> at once (a
/// token bucket). Written <c>PER_SECOND/BURST</c>, e.g. <c>50/100</c>; set per role with the policy key
/// <c>rateLimit.ROLE</c>.
/// </summary>
public sealed record RateLimit(double PerSecond, int Burst)
{
    public const string KeyPrefix = "rateLimit.";

    /// <summary>Generous enough for any interactive use and a batch client; an administrator tightens it per role.</summary>
    public static RateLimit Default { get; } = new(50, 100);

    public static string KeyFor(string role) => KeyPrefix + role;

    /// <summary>The role a <c>rateLimit.ROLE</c> policy key names, or null for another key.</summary>
    public static string? RoleOf(string key) =>
        key.StartsWith(KeyPrefix, StringComparison.Ordinal) && Policy.RateLimitedRoles.Contains(key[KeyPrefix.Length..]) ? key[KeyPrefix.Length..] : null;

    public static RateLimit Parse(string key, string value)
    {
        string[] parts = value.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double perSecond) && perSecond is >= 0.01 and <= 100_000
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int burst) && burst is >= 1 and <= 1_000_000)
            return new RateLimit(perSecond, burst);
        throw SightlineException.InvalidParameter($"{key} takes PER_SECOND/BURST (e.g. 50/100: 0.01 to 100000 requests a second, a burst of 1 to 1000000), got '{value}'.");
    }

    public override string ToString() => $"{PerSecond.ToString("R", CultureInfo.InvariantCulture)}/{Burst.ToString(CultureInfo.InvariantCulture)}";
}
