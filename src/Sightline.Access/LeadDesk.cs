using Sightline.Storage;

namespace Sightline.Access;

/// <summary>Checks a review decision at the boundary, then records it under the policy on self-review.</summary>
public static class LeadDesk
{
    public const int MaxNote = 2000;

    public static Lead Review(ILeadStore leads, Policy policy, string? leadId, string? status, string? note, string reviewer)
    {
        if (leadId is null || !Guid.TryParseExact(leadId, "D", out _))
            throw SightlineException.InvalidParameter($"'{leadId}' is not a lead id.");
        if (status is null || !LeadStatus.Decisions.Contains(status, StringComparer.Ordinal))
            throw SightlineException.InvalidParameter($"A review sets status to one of {string.Join(", ", LeadStatus.Decisions)}; got '{status}'.");
        if (string.IsNullOrWhiteSpace(note) || note.Length > MaxNote)
            throw SightlineException.InvalidParameter($"A review needs a note (1 to {MaxNote} characters) saying what was compared and why.");
        return leads.ReviewLead(leadId, status, note.Trim(), reviewer, policy.ReviewOwnSearches);
    }

    public static string? Status(string? status) =>
        status is null || LeadStatus.All.Contains(status, StringComparer.Ordinal) ? status
            : throw SightlineException.InvalidParameter($"status must be one of {string.Join(", ", LeadStatus.All)}; got '{status}'.");
}
