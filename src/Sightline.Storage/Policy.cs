using System.Globalization;
using System.Text.Json;

namespace Sightline.Storage;

/// <summary>
/// The rules identification searches run under. Defaults follow AWS's public-safety guidance: a case and a purpose
/// on every search, and no FaceMatchThreshold below 99.
/// </summary>
public sealed record Policy(bool RequireCase, float IdentificationThresholdFloor, IReadOnlyList<string> Purposes, bool ReviewOwnSearches = false)
{
    public static Policy Default { get; } = new(true, 99f, ["investigation", "missing-person", "identity-verification"]);

    /// <summary>The roles a rate limit can be set for (the access roles).</summary>
    public static IReadOnlyList<string> RateLimitedRoles { get; } = ["admin", "operator", "analyst", "auditor", "reviewer"];

    public static IReadOnlyList<string> Keys { get; } =
        ["requireCase", "identificationThresholdFloor", "purposes", "reviewOwnSearches", .. RateLimitedRoles.Select(RateLimit.KeyFor)];

    /// <summary>Each role's per-key request rate; a role not set here has <see cref="RateLimit.Default"/>.</summary>
    public IReadOnlyDictionary<string, RateLimit> RateLimits { get; init; } = new Dictionary<string, RateLimit>(StringComparer.Ordinal);

    /// <summary>The rate limit each key of <paramref name="role"/> has.</summary>
    public RateLimit RateLimitOf(string role) => RateLimits.TryGetValue(role, out var limit) ? limit : RateLimit.Default;

    /// <summary>This policy with one setting changed from its text form; InvalidParameter for a bad key or value.</summary>
    public Policy With(string key, string value) => key switch
    {
        _ when RateLimit.RoleOf(key) is { } role => this with
        {
            RateLimits = new Dictionary<string, RateLimit>(RateLimits, StringComparer.Ordinal) { [role] = RateLimit.Parse(key, value) },
        },
        "requireCase" => bool.TryParse(value, out bool b) ? this with { RequireCase = b }
            : throw SightlineException.InvalidParameter($"requireCase takes true or false, got '{value}'."),
        "identificationThresholdFloor" => float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) && f is >= 0 and <= 100
            ? this with { IdentificationThresholdFloor = f }
            : throw SightlineException.InvalidParameter($"identificationThresholdFloor takes a number from 0 to 100, got '{value}'."),
        "purposes" => this with { Purposes = ParsePurposes(value) },
        "reviewOwnSearches" => bool.TryParse(value, out bool own) ? this with { ReviewOwnSearches = own }
            : throw SightlineException.InvalidParameter($"reviewOwnSearches takes true or false, got '{value}'."),
        _ => throw SightlineException.InvalidParameter($"Unknown policy setting '{key}'. Settings: {string.Join(", ", Keys)}."),
    };

    public string ValueOf(string key) => key switch
    {
        _ when RateLimit.RoleOf(key) is { } role => RateLimitOf(role).ToString(),
        "requireCase" => RequireCase ? "true" : "false",
        "identificationThresholdFloor" => IdentificationThresholdFloor.ToString("R", CultureInfo.InvariantCulture),
        "purposes" => string.Join(',', Purposes),
        "reviewOwnSearches" => ReviewOwnSearches ? "true" : "false",
        _ => throw SightlineException.InvalidParameter($"Unknown policy setting '{key}'."),
    };

    private static List<string> ParsePurposes(string value)
    {
        var list = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0 || list.Any(p => p.Length > 64 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw SightlineException.InvalidParameter("purposes takes a comma-separated list of names (letters, digits, '-', '_'; up to 64 characters each).");
        return list;
    }

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["requireCase"] = RequireCase,
        ["identificationThresholdFloor"] = IdentificationThresholdFloor,
        ["purposes"] = Purposes,
        ["reviewOwnSearches"] = ReviewOwnSearches,
        ["rateLimits"] = RateLimitedRoles.ToDictionary(r => r, r => RateLimitOf(r).ToString()),
    }, new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>Durable policy settings; a change is audited in the same transaction.</summary>
public interface IPolicyStore
{
    /// <summary>The stored settings over <see cref="Policy.Default"/>; unknown keys are ignored.</summary>
    Task<Policy> GetPolicyAsync(CancellationToken cancellationToken);

    /// <summary>Stores one setting's text as given: the caller has checked it (<see cref="Policy.With"/>) and put it in its normal form.</summary>
    Task SetPolicyAsync(AuditEntry audit, string key, string value, CancellationToken cancellationToken);
}
