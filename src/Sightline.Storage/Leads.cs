namespace Sightline.Storage;

/// <summary>One match a search returned: a face or a user and its similarity.</summary>
public sealed record LeadMatch(string SubjectType, string SubjectId, float Similarity);

/// <summary>
/// A lead: a search match waiting for a person's review. It is never an identification until a reviewer confirms
/// it, with a note.
/// </summary>
public sealed record Lead(
    string LeadId,
    long SearchSeq,
    string? Case,
    string? Purpose,
    string? CollectionId,
    string SubjectType,
    string SubjectId,
    float Similarity,
    string SearchedBy,
    string Status,
    string? Reviewer,
    string? Note,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReviewedAt,
    string? ProbeSha256 = null);

public static class LeadStatus
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Rejected = "rejected";
    public const string Inconclusive = "inconclusive";

    public static IReadOnlyList<string> Decisions { get; } = [Confirmed, Rejected, Inconclusive];

    public static IReadOnlyList<string> All { get; } = [Pending, Confirmed, Rejected, Inconclusive];
}

/// <summary>Leads and their review, written with the audit records of the searches and reviews.</summary>
public interface ILeadStore
{
    /// <summary>
    /// Records a search and one pending lead per match in one transaction; returns the record's sequence number. With
    /// matches, <paramref name="probeImage"/> (a JPEG of the searched face, for its reviewers) is kept with them, by its
    /// SHA-256, for as long as a lead points at it: deleting the last such lead deletes the image in the same transaction.
    /// </summary>
    Task<long> AppendSearchAsync(AuditEntry entry, IReadOnlyList<LeadMatch> matches, byte[]? probeImage, CancellationToken cancellationToken);

    /// <summary>The searched face's image the lead was made from, when one was kept.</summary>
    Task<byte[]?> GetLeadProbeAsync(string leadId, CancellationToken cancellationToken);

    /// <summary>Leads in the order they were made, optionally of one case or status, streamed.</summary>
    IAsyncEnumerable<Lead> ListLeadsAsync(string? caseId, string? status, int limit, CancellationToken cancellationToken);

    Task<Lead?> GetLeadAsync(string leadId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a decision on a lead that is still in <paramref name="fromStatus"/>: its status, reviewer, note and time,
    /// audited in the same transaction. Null (nothing written) when the lead is missing or no longer in
    /// <paramref name="fromStatus"/> (another decision came first). Who may decide what is the caller's to check.
    /// </summary>
    Task<Lead?> SetLeadDecisionAsync(AuditEntry audit, string leadId, string fromStatus, string status, string note, string reviewer, CancellationToken cancellationToken);
}
