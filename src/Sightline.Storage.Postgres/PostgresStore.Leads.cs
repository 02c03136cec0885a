using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string LeadColumns = "id, search_seq, case_id, purpose, collection_id, subject_type, subject_id, similarity, searched_by, status, reviewer, note, created_at, reviewed_at";

    public long AppendSearch(AuditEntry entry, IReadOnlyList<LeadMatch> matches) => Write((c, tx) => AppendSearch(c, tx, entry, matches));

    private long AppendSearch(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry entry, IReadOnlyList<LeadMatch> matches)
    {
        if (matches.Count == 0)
            return Append(connection, tx, entry);
        // The leads table before the audit chain's head, the order every writer keeps (see LockHolds).
        using (var lockLeads = Command(connection, "LOCK TABLE leads IN ROW EXCLUSIVE MODE;", tx))
            lockLeads.ExecuteNonQuery();
        long seq = Append(connection, tx, entry);
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

    public Lead? GetLead(string leadId) => Query($"SELECT {LeadColumns} FROM leads WHERE id = @id;", ReadLead, ("id", leadId)).FirstOrDefault();

    public Lead? SetLeadDecision(AuditEntry audit, string leadId, string fromStatus, string status, string note, string reviewer) =>
        Write((c, tx) =>
        {
            // A second decision waits on the row, then finds it no longer in fromStatus and writes nothing.
            using var update = Command(c, $"UPDATE leads SET status = @s, reviewer = @r, note = @n, reviewed_at = @t WHERE id = @id AND status = @from RETURNING {LeadColumns};", tx,
                ("id", leadId), ("from", fromStatus), ("s", status), ("r", reviewer), ("n", note), ("t", Ms(DateTimeOffset.UtcNow)));
            if (ReadAll(update, ReadLead).FirstOrDefault() is not { } lead)
                return null;
            AppendAudited(c, tx, audit, Ids([leadId, status, note]), lead.CollectionId);
            return lead;
        });

    private static Lead ReadLead(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), r.GetString(6), r.GetFloat(7), r.GetString(8),
            r.GetString(9), Text(r, 10), Text(r, 11), FromUnixMs(r.GetInt64(12)), Time(r, 13));
}
