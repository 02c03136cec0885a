using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : ILeadStore
{
    private const string LeadColumns = "id, search_seq, case_id, purpose, collection_id, subject_type, subject_id, similarity, searched_by, status, reviewer, note, created_at, reviewed_at";

    public long AppendSearch(AuditEntry entry, IReadOnlyList<LeadMatch> matches)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        long seq = AppendSearch(connection, tx, entry, matches);
        tx.Commit();
        return seq;
    }

    public bool SucceedWithLeads(string jobId, AuditEntry entry, IReadOnlyList<LeadMatch> matches, DateTimeOffset completedAt)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var update = Command(connection, "UPDATE video_jobs SET status = 'SUCCEEDED', status_message = NULL, completed_at = $t WHERE id = $id AND status = 'IN_PROGRESS';", tx,
            ("$id", jobId), ("$t", completedAt.ToUnixTimeMilliseconds()));
        if (update.ExecuteNonQuery() == 0)
            return false;
        AppendSearch(connection, tx, entry, matches);
        tx.Commit();
        return true;
    }

    private long AppendSearch(SqliteConnection connection, SqliteTransaction tx, AuditEntry entry, IReadOnlyList<LeadMatch> matches)
    {
        long seq = Append(connection, tx, entry);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var m in matches)
        {
            using var cmd = Command(connection, $"INSERT INTO leads ({LeadColumns}) VALUES ($id, $seq, $case, $purpose, $c, $type, $subject, $sim, $by, 'pending', NULL, NULL, $now, NULL);", tx,
                ("$id", Guid.NewGuid().ToString()), ("$seq", seq), ("$case", entry.Case), ("$purpose", entry.Purpose), ("$c", entry.CollectionId),
                ("$type", m.SubjectType), ("$subject", m.SubjectId), ("$sim", m.Similarity), ("$by", entry.Actor), ("$now", now));
            cmd.ExecuteNonQuery();
        }
        return seq;
    }

    public IReadOnlyList<Lead> ListLeads(string? caseId, string? status, int limit)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {LeadColumns} FROM leads WHERE ($case IS NULL OR case_id = $case) AND ($status IS NULL OR status = $status) ORDER BY created_at, id LIMIT $limit;", null,
            ("$case", caseId), ("$status", status), ("$limit", limit));
        return ReadLeads(cmd);
    }

    public Lead? GetLead(string leadId)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {LeadColumns} FROM leads WHERE id = $id;", null, ("$id", leadId));
        return ReadLeads(cmd).FirstOrDefault();
    }

    public Lead? SetLeadDecision(AuditEntry audit, string leadId, string fromStatus, string status, string note, string reviewer)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var update = Command(connection, $"UPDATE leads SET status = $s, reviewer = $r, note = $n, reviewed_at = $t WHERE id = $id AND status = $from RETURNING {LeadColumns};", tx,
            ("$id", leadId), ("$from", fromStatus), ("$s", status), ("$r", reviewer), ("$n", note), ("$t", now));
        if (ReadLeads(update).FirstOrDefault() is not { } lead)
            return null;
        CommitAudited(connection, tx, audit, Ids([leadId, status, note]), lead.CollectionId);
        return lead;
    }

    private static List<Lead> ReadLeads(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var leads = new List<Lead>();
        while (r.Read())
        {
            string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            leads.Add(new Lead(r.GetString(0), r.GetInt64(1), Text(2), Text(3), Text(4), r.GetString(5), r.GetString(6), r.GetFloat(7), r.GetString(8),
                r.GetString(9), Text(10), Text(11), FromUnixMs(r.GetInt64(12)), r.IsDBNull(13) ? null : FromUnixMs(r.GetInt64(13))));
        }
        return leads;
    }
}
