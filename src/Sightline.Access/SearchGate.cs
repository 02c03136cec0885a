using System.Globalization;
using Sightline.Storage;

namespace Sightline.Access;

/// <summary>
/// The policy an identification search must pass before it runs: a known purpose, a case and a purpose when the
/// policy requires them (else the search runs and its record is flagged), and a threshold no lower than the
/// identification floor (the floor is also the default). Refusals are AccessDenied or InvalidParameter.
/// </summary>
public static class SearchGate
{
    public const string Flagged = "ok:no-case";

    public static (AuditEntry Entry, float Threshold) Admit(Policy policy, AuditEntry entry, float? requested)
    {
        if (entry.Purpose is { } purpose && !policy.Purposes.Contains(purpose, StringComparer.Ordinal))
            throw SightlineException.InvalidParameter($"Unknown purpose '{purpose}'. Configured purposes: {string.Join(", ", policy.Purposes)} ('sightline audit purposes').");
        bool scoped = entry.Case is not null && entry.Purpose is not null;
        if (!scoped && policy.RequireCase)
            throw new SightlineException(ErrorKind.AccessDenied,
                "An identification search needs a case number and a purpose (X-Sightline-Case and X-Sightline-Purpose headers, case and purpose query parameters, "
                + "--case and --purpose on the CLI, or the access key's defaults); the policy requires them.");
        float threshold = requested ?? policy.IdentificationThresholdFloor;
        if (threshold < policy.IdentificationThresholdFloor)
            throw SightlineException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"The match threshold {threshold} is below the identification floor of {policy.IdentificationThresholdFloor}; only an admin can lower the floor ('sightline policy set identificationThresholdFloor N', audited)."));
        return (entry with { Threshold = threshold, Outcome = scoped ? "ok" : Flagged }, threshold);
    }

    /// <summary>Operations that identify people: 1:N searches and video face search jobs.</summary>
    public static bool Identifies(string operation) =>
        operation is "SearchFaces" or "SearchFacesByImage" or "SearchUsers" or "SearchUsersByImage" or "StartFaceSearch";
}
