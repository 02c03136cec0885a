using Sightline.Storage;

namespace Sightline.Access;

/// <summary>Legal holds: checked here, stored (and audited) by the retention store.</summary>
public static class LegalHolds
{
    public const int MaxCase = 128;
    public const int MaxReason = 1000;

    /// <summary>Places (or replaces) the hold on a case; InvalidParameter for a bad case number or reason.</summary>
    public static Task<LegalHold> PlaceAsync(IRetentionStore store, AuditEntry audit, string? caseId, string? reason, string placedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (caseId is null || caseId.Length is 0 or > MaxCase || caseId.Any(char.IsControl))
            throw SightlineException.InvalidParameter($"A case number must be 1 to {MaxCase} printable characters.");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReason)
            throw SightlineException.InvalidParameter($"A legal hold needs a reason of 1 to {MaxReason} characters.");
        return store.PlaceHoldAsync(audit, new LegalHold(caseId, reason.Trim(), placedBy, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds())), cancellationToken);
    }

    /// <summary>Lifts a case's hold; ResourceNotFound when it had none.</summary>
    public static async Task LiftAsync(IRetentionStore store, AuditEntry audit, string caseId, CancellationToken cancellationToken)
    {
        if (!await store.LiftHoldAsync(audit, caseId, cancellationToken).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceNotFound, $"Case {caseId} is not under legal hold.");
    }
}

/// <summary>Retention rules: checked here, stored (and audited) by the retention store.</summary>
public static class RetentionRules
{
    /// <summary>Sets (or, with both null, clears) a collection's rule; InvalidParameter for days out of range.</summary>
    public static Task<RetentionRule> SetAsync(IRetentionStore store, AuditEntry audit, string collectionId, int? faceDays, int? leadDays, CancellationToken cancellationToken) =>
        store.SetRetentionAsync(audit, new RetentionRule(collectionId, RetentionRule.Check("faceDays", faceDays), RetentionRule.Check("leadDays", leadDays)), cancellationToken);
}

/// <summary>Policy settings: checked and normalised here, stored (and audited) by the policy store.</summary>
public static class PolicySettings
{
    /// <summary>Stores one setting in its normal form and returns that form; InvalidParameter for a bad key or value.</summary>
    public static async Task<string> SetAsync(IPolicyStore store, AuditEntry audit, string key, string value, CancellationToken cancellationToken)
    {
        string normalised = Policy.Default.With(key, value).ValueOf(key);
        await store.SetPolicyAsync(audit, key, normalised, cancellationToken).ConfigureAwait(false);
        return normalised;
    }
}
