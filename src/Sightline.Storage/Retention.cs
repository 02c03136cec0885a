namespace Sightline.Storage;

/// <summary>
/// How long a collection keeps its faces and the leads its searches produced, in days; null keeps them until they
/// are deleted by hand.
/// </summary>
public sealed record RetentionRule(string CollectionId, int? FaceDays, int? LeadDays)
{
    /// <summary>The longest retention that can be set (100 years).</summary>
    public const int MaxDays = 36_500;

    public static int? Check(string name, int? days) => days is null or (>= 1 and <= MaxDays) ? days
        : throw SightlineException.InvalidParameter($"{name} must be between 1 and {MaxDays} days, got {days}.");
}

/// <summary>A legal hold on a case: while it stands, nothing its leads point at is deleted, by retention or by hand.</summary>
public sealed record LegalHold(string Case, string Reason, string PlacedBy, DateTimeOffset PlacedAt);

/// <summary>What one retention pass deleted in a collection.</summary>
public sealed record RetentionSweep(string CollectionId, IReadOnlyList<StoredFace> Faces, int Leads, int HeldFaces, int HeldLeads);

/// <summary>Retention rules, legal holds and the sweep that applies them; every change and deletion is audited in its transaction.</summary>
public interface IRetentionStore
{
    Task<IReadOnlyList<RetentionRule>> ListRetentionAsync(CancellationToken cancellationToken);

    /// <summary>Sets (or, with both days null, clears) a collection's rule; ResourceNotFound when the collection does not exist.</summary>
    Task<RetentionRule> SetRetentionAsync(AuditEntry audit, RetentionRule rule, CancellationToken cancellationToken);

    Task<IReadOnlyList<LegalHold>> ListHoldsAsync(CancellationToken cancellationToken);

    /// <summary>Places (or replaces) the hold on its case.</summary>
    Task<LegalHold> PlaceHoldAsync(AuditEntry audit, LegalHold hold, CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when the case had no hold.</summary>
    Task<bool> LiftHoldAsync(AuditEntry audit, string caseId, CancellationToken cancellationToken);

    /// <summary>The given faces that a lead of a held case points at (they may not be deleted).</summary>
    Task<IReadOnlySet<string>> HeldFacesAsync(string collectionId, IReadOnlyCollection<string>? faceIds, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes, in one audited transaction, up to <paramref name="batch"/> faces indexed before
    /// <paramref name="faceCutoff"/> and the leads created before <paramref name="leadCutoff"/>, sparing anything a
    /// held case's leads point at. A pass that deletes nothing records nothing.
    /// </summary>
    Task<RetentionSweep> SweepAsync(AuditEntry audit, string collectionId, DateTimeOffset? faceCutoff, DateTimeOffset? leadCutoff, int batch, CancellationToken cancellationToken);
}
