using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IRetentionStore
{
    /// <summary>Face ids a held case's leads point at.</summary>
    private const string HeldFaceIds = "SELECT l.subject_id FROM leads l JOIN legal_holds h ON h.case_id = l.case_id WHERE l.subject_type = 'face'";

    public IReadOnlyList<RetentionRule> ListRetention()
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT collection_id, face_days, lead_days FROM retention ORDER BY collection_id;");
        using var r = cmd.ExecuteReader();
        var rules = new List<RetentionRule>();
        while (r.Read())
            rules.Add(new RetentionRule(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2)));
        return rules;
    }

    public RetentionRule SetRetention(AuditEntry audit, RetentionRule rule)
    {
        string collectionId = rule.CollectionId;
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var exists = Command(connection, "SELECT 1 FROM collections WHERE id = $c;", tx, ("$c", collectionId)))
        {
            if (exists.ExecuteScalar() is null)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        }
        using (var cmd = rule.FaceDays is null && rule.LeadDays is null
            ? Command(connection, "DELETE FROM retention WHERE collection_id = $c;", tx, ("$c", collectionId))
            : Command(connection, "INSERT INTO retention (collection_id, face_days, lead_days) VALUES ($c, $f, $l) ON CONFLICT (collection_id) DO UPDATE SET face_days = excluded.face_days, lead_days = excluded.lead_days;", tx,
                ("$c", collectionId), ("$f", rule.FaceDays), ("$l", rule.LeadDays)))
            cmd.ExecuteNonQuery();
        CommitAudited(connection, tx, audit, Ids([$"faceDays={rule.FaceDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}",
            $"leadDays={rule.LeadDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}"]), collectionId);
        return rule;
    }

    public IReadOnlyList<LegalHold> ListHolds()
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT case_id, reason, placed_by, placed_at FROM legal_holds ORDER BY case_id;");
        using var r = cmd.ExecuteReader();
        var holds = new List<LegalHold>();
        while (r.Read())
            holds.Add(new LegalHold(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3))));
        return holds;
    }

    public LegalHold PlaceHold(AuditEntry audit, LegalHold hold)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var cmd = Command(connection, "INSERT INTO legal_holds (case_id, reason, placed_by, placed_at) VALUES ($c, $r, $b, $t) ON CONFLICT (case_id) DO UPDATE SET reason = excluded.reason, placed_by = excluded.placed_by, placed_at = excluded.placed_at;", tx,
            ("$c", hold.Case), ("$r", hold.Reason), ("$b", hold.PlacedBy), ("$t", hold.PlacedAt.ToUnixTimeMilliseconds())))
            cmd.ExecuteNonQuery();
        CommitAudited(connection, tx, audit, Ids([hold.Case, hold.Reason]));
        return hold;
    }

    public bool LiftHold(AuditEntry audit, string caseId)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, "DELETE FROM legal_holds WHERE case_id = $c;", tx, ("$c", caseId));
        bool lifted = cmd.ExecuteNonQuery() > 0;
        if (!lifted)
            return false;
        CommitAudited(connection, tx, audit, Ids([caseId]));
        return true;
    }

    public IReadOnlySet<string> HeldFaces(string collectionId, IReadOnlyCollection<string>? faceIds)
    {
        using var connection = Open();
        return HeldFaces(connection, null, collectionId, faceIds);
    }

    private static HashSet<string> HeldFaces(SqliteConnection connection, SqliteTransaction? tx, string collectionId, IReadOnlyCollection<string>? faceIds)
    {
        using var cmd = Command(connection, "SELECT DISTINCT l.subject_id FROM leads l JOIN legal_holds h ON h.case_id = l.case_id WHERE l.subject_type = 'face' AND l.collection_id = $c;", tx, ("$c", collectionId));
        using var r = cmd.ExecuteReader();
        var held = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read())
        {
            if (faceIds is null || faceIds.Contains(r.GetString(0)))
                held.Add(r.GetString(0));
        }
        return held;
    }

    /// <summary>How many faces of a collection a held case's leads point at (those a delete of the collection must keep).</summary>
    private static int CountHeldFaces(SqliteConnection connection, SqliteTransaction tx, string collectionId)
    {
        using var cmd = Command(connection, $"SELECT COUNT(*) FROM faces WHERE collection_id = $c AND face_id IN ({HeldFaceIds} AND l.collection_id = $c);", tx, ("$c", collectionId));
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public RetentionSweep Sweep(AuditEntry audit, string collectionId, DateTimeOffset? faceCutoff, DateTimeOffset? leadCutoff, int batch)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        var faces = new List<StoredFace>();
        int heldFaces = 0, leads = 0, heldLeads = 0;
        if (faceCutoff is { } fc)
        {
            using (var cmd = Command(connection, $"DELETE FROM faces WHERE row_id IN (SELECT row_id FROM faces WHERE collection_id = $c AND created_at < $t AND face_id NOT IN ({HeldFaceIds}) ORDER BY created_at LIMIT $n) RETURNING {FaceColumns};", tx,
                ("$c", collectionId), ("$t", fc.ToUnixTimeMilliseconds()), ("$n", batch)))
                faces.AddRange(ReadFaces(cmd, false));
            heldFaces = Count(connection, tx, $"SELECT COUNT(*) FROM faces WHERE collection_id = $c AND created_at < $t AND face_id IN ({HeldFaceIds});", collectionId, fc);
        }
        if (leadCutoff is { } lc)
        {
            const string Held = "case_id IS NOT NULL AND case_id IN (SELECT case_id FROM legal_holds)";
            using (var cmd = Command(connection, $"DELETE FROM leads WHERE id IN (SELECT id FROM leads WHERE collection_id = $c AND created_at < $t AND NOT ({Held}) LIMIT $n);", tx,
                ("$c", collectionId), ("$t", lc.ToUnixTimeMilliseconds()), ("$n", batch)))
                leads = cmd.ExecuteNonQuery();
            heldLeads = Count(connection, tx, $"SELECT COUNT(*) FROM leads WHERE collection_id = $c AND created_at < $t AND {Held};", collectionId, lc);
        }
        if (faces.Count == 0 && leads == 0)
        {
            tx.Rollback();
            return new RetentionSweep(collectionId, [], 0, heldFaces, heldLeads);
        }
        string details = System.Text.Json.JsonSerializer.Serialize(new RetentionDetails([.. faces.Select(f => f.FaceId)], leads, heldFaces, heldLeads), AuditJson.Default.RetentionDetails);
        CommitAudited(connection, tx, audit, details, collectionId);
        return new RetentionSweep(collectionId, faces, leads, heldFaces, heldLeads);
    }

    private static int Count(SqliteConnection connection, SqliteTransaction tx, string sql, string collectionId, DateTimeOffset cutoff)
    {
        using var cmd = Command(connection, sql, tx, ("$c", collectionId), ("$t", cutoff.ToUnixTimeMilliseconds()));
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The audit details of a delete of faces that a legal hold partly refused: the deleted ids and the held ones.</summary>
internal sealed record FaceDeletionDetails(string[] Deleted, string[] Held);

/// <summary>The audit details of a retention pass: the deleted face ids, how many leads went, and what a hold spared.</summary>
internal sealed record RetentionDetails(string[] DeletedFaces, int DeletedLeads, int HeldFaces, int HeldLeads);
