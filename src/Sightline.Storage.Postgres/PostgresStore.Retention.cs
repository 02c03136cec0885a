using System.Globalization;
using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>Face ids a held case's leads point at.</summary>
    private const string HeldFaceIds = "SELECT l.subject_id FROM leads l JOIN legal_holds h ON h.case_id = l.case_id WHERE l.subject_type = 'face'";

    public IReadOnlyList<RetentionRule> ListRetention() =>
        Query("SELECT collection_id, face_days, lead_days FROM retention ORDER BY collection_id;",
            r => new RetentionRule(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2)));

    public RetentionRule SetRetention(AuditEntry audit, RetentionRule rule)
    {
        string collectionId = rule.CollectionId;
        var missing = new Violation(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        return Write((c, tx) =>
        {
            using (var exists = Command(c, "SELECT 1 FROM collections WHERE id = @c FOR SHARE;", tx, ("c", collectionId)))
            {
                if (exists.ExecuteScalar() is null)
                    throw new SightlineException(missing.Kind, missing.Message);
            }
            using (var cmd = rule.FaceDays is null && rule.LeadDays is null
                ? Command(c, "DELETE FROM retention WHERE collection_id = @c;", tx, ("c", collectionId))
                : Command(c, "INSERT INTO retention (collection_id, face_days, lead_days) VALUES (@c, @f, @l) ON CONFLICT (collection_id) DO UPDATE SET face_days = excluded.face_days, lead_days = excluded.lead_days;", tx,
                    ("c", collectionId), ("f", rule.FaceDays), ("l", rule.LeadDays)))
                cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, Ids([$"faceDays={rule.FaceDays?.ToString(CultureInfo.InvariantCulture) ?? "none"}",
                $"leadDays={rule.LeadDays?.ToString(CultureInfo.InvariantCulture) ?? "none"}"]), collectionId);
            return rule;
        }, missing);
    }

    public IReadOnlyList<LegalHold> ListHolds() =>
        Query("SELECT case_id, reason, placed_by, placed_at FROM legal_holds ORDER BY case_id;",
            r => new LegalHold(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3))));

    public LegalHold PlaceHold(AuditEntry audit, LegalHold hold)
    {
        Write((c, tx) =>
        {
            using (var cmd = Command(c, "INSERT INTO legal_holds (case_id, reason, placed_by, placed_at) VALUES (@c, @r, @b, @t) ON CONFLICT (case_id) DO UPDATE SET reason = excluded.reason, placed_by = excluded.placed_by, placed_at = excluded.placed_at;", tx,
                ("c", hold.Case), ("r", hold.Reason), ("b", hold.PlacedBy), ("t", Ms(hold.PlacedAt))))
                cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, Ids([hold.Case, hold.Reason]));
        });
        return hold;
    }

    public bool LiftHold(AuditEntry audit, string caseId) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, "DELETE FROM legal_holds WHERE case_id = @c;", tx, ("c", caseId));
            if (cmd.ExecuteNonQuery() == 0)
                return false;
            AppendAudited(c, tx, audit, Ids([caseId]));
            return true;
        });

    private const string HeldInCollection = "SELECT DISTINCT l.subject_id FROM leads l JOIN legal_holds h ON h.case_id = l.case_id WHERE l.subject_type = 'face' AND l.collection_id = @c;";

    public IReadOnlySet<string> HeldFaces(string collectionId, IReadOnlyCollection<string>? faceIds) =>
        Query(HeldInCollection, r => r.GetString(0), ("c", collectionId))
            .Where(id => faceIds is null || faceIds.Contains(id))
            .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> HeldFaces(NpgsqlConnection connection, NpgsqlTransaction tx, string collectionId, IReadOnlyCollection<string> faceIds)
    {
        using var cmd = Command(connection, HeldInCollection, tx, ("c", collectionId));
        return ReadAll(cmd, r => r.GetString(0)).Where(faceIds.Contains).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Makes a delete and the holds it checks one atomic step: placing or lifting a hold and recording or deciding a
    /// lead wait until this transaction ends, and the statements after this one read every hold and lead committed
    /// before it. Taken first in its transaction; the audit chain's head is always taken last (every writer keeps that
    /// order, so the two cannot deadlock).
    /// </summary>
    private static void LockHolds(NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        using var cmd = Command(connection, "LOCK TABLE legal_holds, leads IN SHARE MODE;", tx);
        cmd.ExecuteNonQuery();
    }

    /// <summary>How many faces of a collection a held case's leads point at (those a delete of the collection must keep).</summary>
    private static int CountHeldFaces(NpgsqlConnection connection, NpgsqlTransaction tx, string collectionId)
    {
        using var cmd = Command(connection, $"SELECT COUNT(*) FROM faces WHERE collection_id = @c AND face_id IN ({HeldFaceIds} AND l.collection_id = @c);", tx, ("c", collectionId));
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public RetentionSweep Sweep(AuditEntry audit, string collectionId, DateTimeOffset? faceCutoff, DateTimeOffset? leadCutoff, int batch) =>
        Write((c, tx) =>
        {
            // As a delete by hand (LockHolds), and leads too are deleted: one sweep or delete at a time.
            using (var lockHolds = Command(c, "LOCK TABLE legal_holds IN SHARE MODE; LOCK TABLE leads IN SHARE ROW EXCLUSIVE MODE;", tx))
                lockHolds.ExecuteNonQuery();
            var faces = new List<StoredFace>();
            int heldFaces = 0, leads = 0, heldLeads = 0;
            if (faceCutoff is { } fc)
            {
                using (var cmd = Command(c, $"DELETE FROM faces WHERE row_id IN (SELECT row_id FROM faces WHERE collection_id = @c AND created_at < @t AND face_id NOT IN ({HeldFaceIds}) ORDER BY created_at, row_id LIMIT @n) RETURNING {FaceColumns};", tx,
                    ("c", collectionId), ("t", Ms(fc)), ("n", batch)))
                    faces.AddRange(ReadAll(cmd, r => ReadFace(r, false)).OrderBy(f => f.RowId));
                heldFaces = Count(c, tx, $"SELECT COUNT(*) FROM faces WHERE collection_id = @c AND created_at < @t AND face_id IN ({HeldFaceIds});", collectionId, fc);
            }
            if (leadCutoff is { } lc)
            {
                const string Held = "case_id IS NOT NULL AND case_id IN (SELECT case_id FROM legal_holds)";
                using (var cmd = Command(c, $"DELETE FROM leads WHERE id IN (SELECT id FROM leads WHERE collection_id = @c AND created_at < @t AND NOT ({Held}) ORDER BY created_at, id LIMIT @n);", tx,
                    ("c", collectionId), ("t", Ms(lc)), ("n", batch)))
                    leads = cmd.ExecuteNonQuery();
                heldLeads = Count(c, tx, $"SELECT COUNT(*) FROM leads WHERE collection_id = @c AND created_at < @t AND {Held};", collectionId, lc);
            }
            if (faces.Count == 0 && leads == 0)
                return new RetentionSweep(collectionId, [], 0, heldFaces, heldLeads); // nothing deleted: nothing to audit
            string details = System.Text.Json.JsonSerializer.Serialize(new RetentionDetails([.. faces.Select(f => f.FaceId)], leads, heldFaces, heldLeads), PostgresJson.Default.RetentionDetails);
            AppendAudited(c, tx, audit, details, collectionId);
            return new RetentionSweep(collectionId, faces, leads, heldFaces, heldLeads);
        });

    private static int Count(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string collectionId, DateTimeOffset cutoff)
    {
        using var cmd = Command(connection, sql, tx, ("c", collectionId), ("t", Ms(cutoff)));
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

/// <summary>The audit details of a delete of faces that a legal hold partly refused: the deleted ids and the held ones.</summary>
internal sealed record FaceDeletionDetails(string[] Deleted, string[] Held);

/// <summary>The audit details of a retention pass: the deleted face ids, how many leads went, and what a hold spared.</summary>
internal sealed record RetentionDetails(string[] DeletedFaces, int DeletedLeads, int HeldFaces, int HeldLeads);
