using Sightline.Storage;

namespace Sightline.Access;

/// <summary>
/// The review of leads: a lead is decided once, from pending to confirmed, rejected or inconclusive, with a note,
/// and (unless the policy allows it) by someone other than the person who made the search.
/// </summary>
public static class LeadDesk
{
    public const int MaxNote = 2000;

    /// <summary>
    /// Checks a decision and records it under <paramref name="audit"/>. ResourceNotFound for an unknown lead; Conflict
    /// when it was already decided (also when another reviewer's decision lands first); AccessDenied when the reviewer
    /// made the search and the policy does not allow reviewing one's own searches.
    /// </summary>
    public static async Task<Lead> ReviewAsync(ILeadStore leads, Policy policy, AuditEntry audit, string? leadId, string? status, string? note, string reviewer, CancellationToken cancellationToken)
    {
        if (leadId is null || !Guid.TryParseExact(leadId, "D", out _))
            throw SightlineException.InvalidParameter($"'{leadId}' is not a lead id.");
        if (status is null || !LeadStatus.Decisions.Contains(status, StringComparer.Ordinal))
            throw SightlineException.InvalidParameter($"A review sets status to one of {string.Join(", ", LeadStatus.Decisions)}; got '{status}'.");
        if (string.IsNullOrWhiteSpace(note) || note.Length > MaxNote)
            throw SightlineException.InvalidParameter($"A review needs a note (1 to {MaxNote} characters) saying what was compared and why.");
        var lead = await leads.GetLeadAsync(leadId, cancellationToken).ConfigureAwait(false) ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No lead {leadId}.");
        if (lead.Status != LeadStatus.Pending)
            throw AlreadyReviewed(lead);
        if (!policy.ReviewOwnSearches && lead.SearchedBy == reviewer)
            throw new SightlineException(ErrorKind.AccessDenied, $"{reviewer} made the search behind lead {leadId}; the policy requires another person to review it.");
        // Only a lead still pending is decided: of two reviewers racing, the second finds it decided.
        return await leads.SetLeadDecisionAsync(audit, leadId, LeadStatus.Pending, status, note.Trim(), reviewer, cancellationToken).ConfigureAwait(false)
            ?? throw AlreadyReviewed(await leads.GetLeadAsync(leadId, cancellationToken).ConfigureAwait(false) ?? lead);
    }

    public static string? Status(string? status) =>
        status is null || LeadStatus.All.Contains(status, StringComparer.Ordinal) ? status
            : throw SightlineException.InvalidParameter($"status must be one of {string.Join(", ", LeadStatus.All)}; got '{status}'.");

    private static SightlineException AlreadyReviewed(Lead lead) =>
        new(ErrorKind.Conflict, $"Lead {lead.LeadId} was already reviewed ({lead.Status} by {lead.Reviewer}).");
}
