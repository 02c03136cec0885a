using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string LeadColumns = "id, search_seq, case_id, purpose, collection_id, subject_type, subject_id, similarity, searched_by, status, reviewer, note, created_at, reviewed_at";

    public long AppendSearch(AuditEntry entry, IReadOnlyList<LeadMatch> matches) => Write((c, tx) => AppendSearch(c, tx, entry, matches));

    private long AppendSearch(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry entry, IReadOnlyList<LeadMatch> matches)
    {
        long seq = Append(connection, tx, entry);
        if (matches.Count == 0)
            return seq;
        using var cmd = Command(connection, $"""
            INSERT INTO leads ({LeadColumns})
            SELECT id, @seq, @case, @purpose, @c, type, subject, sim, @by, 'pending', NULL, NULL, @now, NULL
            FROM unnest(@ids::text[], @types::text[], @subjects::text[], @sims::real[]) WITH ORDINALITY AS m(id, type, subject, sim, n) ORDER BY n;
            """, tx,
            ("seq", seq), ("case", entry.Case), ("purpose", entry.Purpose), ("c", entry.CollectionId), ("by", entry.Actor), ("now", Ms(DateTimeOffset.UtcNow)),
            ("ids", matches.Select(_ => Guid.NewGuid().ToString()).ToArray()), ("types", matches.Select(m => m.SubjectType).ToArray()),
            ("subjects", matches.Select(m => m.SubjectId).ToArray()), ("sims", matches.Select(m => m.Similarity).ToArray()));
        cmd.ExecuteNonQuery();
        return seq;
    }

    public IReadOnlyList<Lead> ListLeads(string? caseId, string? status, int limit) =>
        Query($"SELECT {LeadColumns} FROM leads WHERE (@case::text IS NULL OR case_id = @case) AND (@status::text IS NULL OR status = @status) ORDER BY created_at, id LIMIT @limit;",
            ReadLead, ("case", caseId), ("status", status), ("limit", limit));

    public Lead ReviewLead(string leadId, string status, string note, string reviewer, bool allowOwnSearch) =>
        Write((c, tx) =>
        {
            // The row lock makes a second reviewer wait and then see the first one's decision.
            using var get = Command(c, $"SELECT {LeadColumns} FROM leads WHERE id = @id FOR UPDATE;", tx, ("id", leadId));
            var lead = ReadAll(get, ReadLead).FirstOrDefault() ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No lead {leadId}.");
            if (lead.Status != LeadStatus.Pending)
                throw new SightlineException(ErrorKind.Conflict, $"Lead {leadId} was already reviewed ({lead.Status} by {lead.Reviewer}).");
            if (!allowOwnSearch && lead.SearchedBy == reviewer)
                throw new SightlineException(ErrorKind.AccessDenied, $"{reviewer} made the search behind lead {leadId}; the policy requires another person to review it.");
            long now = Ms(DateTimeOffset.UtcNow);
            using (var update = Command(c, "UPDATE leads SET status = @s, reviewer = @r, note = @n, reviewed_at = @t WHERE id = @id;", tx,
                ("id", leadId), ("s", status), ("r", reviewer), ("n", note), ("t", now)))
                update.ExecuteNonQuery();
            AppendAmbient(c, tx, Ids([leadId, status, note]), lead.CollectionId);
            return lead with { Status = status, Reviewer = reviewer, Note = note, ReviewedAt = FromUnixMs(now) };
        });

    private static Lead ReadLead(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), r.GetString(6), r.GetFloat(7), r.GetString(8),
            r.GetString(9), Text(r, 10), Text(r, 11), FromUnixMs(r.GetInt64(12)), Time(r, 13));
}
