using System.Globalization;
using System.Text;
using System.Text.Json;
using Sightline.Storage;

namespace Sightline.Access;

/// <summary>
/// What an agency can publish about its use of face search over a period: searches by purpose, leads produced and
/// how review decided them, operations by role, collection sizes, and the thresholds and rules in force. Aggregate
/// counts only — no case numbers, people, images, face ids or notes. Built from the audit chain, so deleting data
/// under retention does not change a past period's figures.
/// </summary>
public sealed record TransparencyReport(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    TransparencySearches Searches,
    TransparencyLeads Leads,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> OperationsByRole,
    IReadOnlyList<TransparencyCollection> Collections,
    TransparencyRules Rules,
    TransparencyFalseMatches? FalseMatches = null)
{
    public const int MaxPeriodDays = 3660;

    /// <param name="falseMatchRate">The face model's estimated per-comparison false-match rate at a similarity (null: not estimated).</param>
    public static async Task<TransparencyReport> BuildAsync(IAuditStore audit, ICollectionStore collections, IPolicyStore policies, IRetentionStore retention,
        DateTimeOffset from, DateTimeOffset to, Func<float, double?>? falseMatchRate, CancellationToken ct)
    {
        if (to <= from)
            throw SightlineException.InvalidParameter($"The report period must end after it starts (from {from:O}, to {to:O}).");
        if ((to - from).TotalDays > MaxPeriodDays)
            throw SightlineException.InvalidParameter($"A report period may span at most {MaxPeriodDays} days.");
        var byPurpose = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byRole = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        var decisions = LeadStatus.Decisions.ToDictionary(d => d, _ => 0L);
        var thresholds = new List<float>();
        long searches = 0, withoutCase = 0, refused = 0, leads = 0, retentionDeletions = 0;
        await foreach (var record in audit.ReadAuditBetweenAsync(from, to, ct).ConfigureAwait(false))
        {
            var e = record.Entry;
            var ops = byRole.TryGetValue(e.Role, out var o) ? o : byRole[e.Role] = new(StringComparer.Ordinal);
            string op = Canonical(e.Operation);
            ops[op] = ops.GetValueOrDefault(op) + 1;
            bool ok = e.Outcome is "ok" or SearchGate.Flagged;
            if (IsSearch(e.Operation))
            {
                if (!ok)
                {
                    refused++;
                    continue;
                }
                searches++;
                withoutCase += e.Outcome == SearchGate.Flagged ? 1 : 0;
                string purpose = e.Purpose ?? "(none)";
                byPurpose[purpose] = byPurpose.GetValueOrDefault(purpose) + 1;
                if (e.Threshold is { } t && float.IsFinite(t)) // older versions could record a refused non-finite threshold
                    thresholds.Add(t);
            }
            if (ok && (IsSearch(e.Operation) || e.Operation is FaceSearchResults or LiveFaceSearchOperation))
                leads += MatchCount(e.Details);
            if (ok && IsReview(e.Operation) && Decision(e.Details) is { } d && decisions.ContainsKey(d))
                decisions[d]++;
            if (ok)
                retentionDeletions += DeletedFaces(e.Details);
        }
        thresholds.Sort();
        long reviewed = decisions.Values.Sum();
        var policy = await policies.GetPolicyAsync(ct).ConfigureAwait(false);
        var sizes = new List<TransparencyCollection>();
        for (string? after = null; ;)
        {
            var page = await collections.ListCollectionsAsync(after, 1000, ct).ConfigureAwait(false);
            foreach (var c in page)
            {
                var counted = await collections.GetCollectionAsync(c.Id, withCounts: true, ct).ConfigureAwait(false) ?? c;
                sizes.Add(new TransparencyCollection(c.Id, counted.FaceCount, counted.UserCount));
            }
            if (page.Count < 1000)
                break;
            after = page[^1].Id;
        }
        int rules = (await retention.ListRetentionAsync(ct).ConfigureAwait(false)).Count, holds = (await retention.ListHoldsAsync(ct).ConfigureAwait(false)).Count;
        float? lowest = thresholds.Count == 0 ? null : thresholds[0], median = thresholds.Count == 0 ? null : thresholds[thresholds.Count / 2];
        var falseMatches = falseMatchRate is null ? null : new TransparencyFalseMatches(falseMatchRate(policy.IdentificationThresholdFloor),
            lowest is { } l ? falseMatchRate(l) : null, median is { } m ? falseMatchRate(m) : null, FalseMatchBasis);
        return new TransparencyReport(from, to, DateTimeOffset.UtcNow,
            new TransparencySearches(searches, byPurpose, withoutCase, refused, lowest, median),
            new TransparencyLeads(leads, reviewed, decisions[LeadStatus.Confirmed], decisions[LeadStatus.Rejected], decisions[LeadStatus.Inconclusive],
                Rate(decisions[LeadStatus.Confirmed], reviewed), Rate(decisions[LeadStatus.Rejected], reviewed)),
            byRole.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, long>)r.Value),
            sizes,
            new TransparencyRules(policy.IdentificationThresholdFloor, policy.RequireCase, policy.ReviewOwnSearches, policy.Purposes,
                rules, holds, retentionDeletions),
            falseMatches);
    }

    public const string FalseMatchBasis =
        "Per comparison of a probe with one enrolled face of a different person, estimated from the face model's calibration (docs/accuracy.md); "
        + "a search of a collection of N faces makes N comparisons, and look-alikes match more often than strangers. Reviewers' rejections are the measured counterpart.";

    /// <summary>A period bound: an ISO 8601 date (midnight UTC) or date and time; InvalidParameter naming <paramref name="name"/> otherwise.</summary>
    public static DateTimeOffset ParseBound(string? value, string name, DateTimeOffset fallback) =>
        value is null ? fallback
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at
        : throw SightlineException.InvalidParameter($"{name} must be an ISO 8601 date or date-time (e.g. 2026-01-01 or 2026-01-01T00:00:00Z), got '{value}'.");

    /// <summary>The audit operation of a video search job's results (its matches become leads).</summary>
    public const string FaceSearchResults = "FaceSearchResults";

    /// <summary>The audit operation of a live face search match under an authorization (its matches become leads).</summary>
    public const string LiveFaceSearchOperation = "LiveFaceSearch";

    /// <summary>The audit operation of a retention pass.</summary>
    public const string RetentionOperation = "ApplyRetention";

    /// <summary>An identification search, from either API or the CLI (whose records name the command).</summary>
    public static bool IsSearch(string operation) => SearchGate.Identifies(operation) || operation is "cli faces search" or "cli users search";

    private static bool IsReview(string operation) => operation is "ReviewLead" or "cli leads review";

    /// <summary>CLI records name the command; the report counts them under the API operation they perform.</summary>
    private static string Canonical(string operation) => operation switch
    {
        "cli faces search" => "SearchFacesByImage",
        "cli users search" => "SearchUsers",
        "cli leads review" => "ReviewLead",
        _ => operation,
    };

    private static double? Rate(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    private static int MatchCount(string? details)
    {
        if (details is not { Length: > 1 } || details[0] != '[')
            return 0;
        using var doc = JsonDocument.Parse(details);
        return doc.RootElement.EnumerateArray().Count(m => m.ValueKind == JsonValueKind.Object);
    }

    private static string? Decision(string? details)
    {
        if (details is not { Length: > 1 } || details[0] != '[')
            return null;
        using var doc = JsonDocument.Parse(details);
        return doc.RootElement.GetArrayLength() >= 2 && doc.RootElement[1].ValueKind == JsonValueKind.String ? doc.RootElement[1].GetString() : null;
    }

    private static long DeletedFaces(string? details)
    {
        if (details is not { Length: > 1 } || details[0] != '{')
            return 0;
        using var doc = JsonDocument.Parse(details);
        return doc.RootElement.TryGetProperty("deletedFaces", out var f) && f.ValueKind == JsonValueKind.Array ? f.GetArrayLength() : 0;
    }

    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);

    /// <summary>Flat rows (section, name, value) for spreadsheets.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("section,name,value\n");
        void Row(string section, string name, object? value) =>
            sb.Append(section).Append(',').Append(Csv(name)).Append(',').Append(Csv(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append('\n');
        Row("period", "from", From.ToString("O"));
        Row("period", "to", To.ToString("O"));
        Row("searches", "total", Searches.Total);
        foreach (var (purpose, n) in Searches.ByPurpose) Row("searchesByPurpose", purpose, n);
        Row("searches", "withoutCase", Searches.WithoutCase);
        Row("searches", "refused", Searches.Refused);
        Row("searches", "lowestThreshold", Searches.LowestThreshold);
        Row("searches", "medianThreshold", Searches.MedianThreshold);
        Row("leads", "produced", Leads.Produced);
        Row("leads", "reviewed", Leads.Reviewed);
        Row("leads", "confirmed", Leads.Confirmed);
        Row("leads", "rejected", Leads.Rejected);
        Row("leads", "inconclusive", Leads.Inconclusive);
        Row("leads", "confirmedRate", Leads.ConfirmedRate);
        Row("leads", "rejectedRate", Leads.RejectedRate);
        foreach (var (role, ops) in OperationsByRole)
            foreach (var (op, n) in ops) Row("operationsByRole", role + ":" + op, n);
        foreach (var c in Collections)
        {
            Row("collectionFaces", c.CollectionId, c.Faces);
            Row("collectionUsers", c.CollectionId, c.Users);
        }
        Row("rules", "identificationThresholdFloor", Rules.IdentificationThresholdFloor);
        Row("rules", "requireCase", Rules.RequireCase ? "true" : "false");
        Row("rules", "reviewOwnSearches", Rules.ReviewOwnSearches ? "true" : "false");
        Row("rules", "purposes", string.Join(' ', Rules.Purposes));
        Row("rules", "collectionsWithRetention", Rules.CollectionsWithRetention);
        Row("rules", "legalHolds", Rules.LegalHolds);
        Row("rules", "facesDeletedByRetention", Rules.FacesDeletedByRetention);
        if (FalseMatches is { } f)
        {
            Row("falseMatchRate", "atThresholdFloor", f.AtThresholdFloor);
            Row("falseMatchRate", "atLowestThreshold", f.AtLowestThreshold);
            Row("falseMatchRate", "atMedianThreshold", f.AtMedianThreshold);
        }
        return sb.ToString();
    }

    private static string Csv(string value) => value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

public sealed record TransparencySearches(long Total, IReadOnlyDictionary<string, long> ByPurpose, long WithoutCase, long Refused, float? LowestThreshold, float? MedianThreshold);

public sealed record TransparencyLeads(long Produced, long Reviewed, long Confirmed, long Rejected, long Inconclusive, double? ConfirmedRate, double? RejectedRate);

public sealed record TransparencyCollection(string CollectionId, long Faces, long Users);

/// <summary>The estimated per-comparison false-match rate at the policy's floor and at the lowest and median thresholds searched with.</summary>
public sealed record TransparencyFalseMatches(double? AtThresholdFloor, double? AtLowestThreshold, double? AtMedianThreshold, string Basis);

public sealed record TransparencyRules(float IdentificationThresholdFloor, bool RequireCase, bool ReviewOwnSearches, IReadOnlyList<string> Purposes,
    int CollectionsWithRetention, int LegalHolds, long FacesDeletedByRetention);

internal static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
}
