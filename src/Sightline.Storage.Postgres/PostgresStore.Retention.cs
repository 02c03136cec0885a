using System.Globalization;
using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>Face ids a held case's leads point at.</summary>
    private const string HeldFaceIds = "SELECT l.subject_id FROM leads l JOIN legal_holds h ON h.case_id = l.case_id WHERE l.subject_type = 'face'";

    public async Task<IReadOnlyList<RetentionRule>> ListRetentionAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT collection_id, face_days, lead_days FROM retention ORDER BY collection_id;",
            r => new RetentionRule(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2)), cancellationToken).ConfigureAwait(false);

    public Task<RetentionRule> SetRetentionAsync(AuditEntry audit, RetentionRule rule, CancellationToken cancellationToken)
    {
        string collectionId = rule.CollectionId;
        var missing = new Violation(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        return WriteAsync(async (c, tx) =>
        {
            if (await ScalarAsync(c, tx, "SELECT 1 FROM collections WHERE id = @c FOR SHARE;", cancellationToken, ("c", collectionId)).ConfigureAwait(false) is null)
                throw new SightlineException(missing.Kind, missing.Message);
            if (rule.FaceDays is null && rule.LeadDays is null)
                await ExecAsync(c, tx, "DELETE FROM retention WHERE collection_id = @c;", cancellationToken, ("c", collectionId)).ConfigureAwait(false);
            else
                await ExecAsync(c, tx, "INSERT INTO retention (collection_id, face_days, lead_days) VALUES (@c, @f, @l) ON CONFLICT (collection_id) DO UPDATE SET face_days = excluded.face_days, lead_days = excluded.lead_days;", cancellationToken,
                    ("c", collectionId), ("f", rule.FaceDays), ("l", rule.LeadDays)).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, Ids([$"faceDays={rule.FaceDays?.ToString(CultureInfo.InvariantCulture) ?? "none"}",
                $"leadDays={rule.LeadDays?.ToString(CultureInfo.InvariantCulture) ?? "none"}"]), collectionId, cancellationToken).ConfigureAwait(false);
            return rule;
        }, cancellationToken, missing);
    }

    public async Task<IReadOnlyList<LegalHold>> ListHoldsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT case_id, reason, placed_by, placed_at FROM legal_holds ORDER BY case_id;",
            r => new LegalHold(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3))), cancellationToken).ConfigureAwait(false);

    public async Task<LegalHold> PlaceHoldAsync(AuditEntry audit, LegalHold hold, CancellationToken cancellationToken)
    {
        await WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "INSERT INTO legal_holds (case_id, reason, placed_by, placed_at) VALUES (@c, @r, @b, @t) ON CONFLICT (case_id) DO UPDATE SET reason = excluded.reason, placed_by = excluded.placed_by, placed_at = excluded.placed_at;", cancellationToken,
                ("c", hold.Case), ("r", hold.Reason), ("b", hold.PlacedBy), ("t", Ms(hold.PlacedAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, Ids([hold.Case, hold.Reason]), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return hold;
    }

    public Task<bool> LiftHoldAsync(AuditEntry audit, string caseId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "DELETE FROM legal_holds WHERE case_id = @c;", cancellationToken, ("c", caseId)).ConfigureAwait(false) == 0)
                return false;
            await AppendAuditedAsync(c, tx, audit, Ids([caseId]), null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private const string HeldInCollection = "SELECT DISTINCT l.subject_id FROM leads l JOIN legal_holds h ON h.case_id = l.case_id WHERE l.subject_type = 'face' AND l.collection_id = @c;";

    public async Task<IReadOnlySet<string>> HeldFacesAsync(string collectionId, IReadOnlyCollection<string>? faceIds, CancellationToken cancellationToken) =>
        (await QueryAsync(HeldInCollection, r => r.GetString(0), cancellationToken, ("c", collectionId)).ConfigureAwait(false))
            .Where(id => faceIds is null || faceIds.Contains(id))
            .ToHashSet(StringComparer.Ordinal);

    private static async Task<HashSet<string>> HeldFacesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string collectionId, IReadOnlyCollection<string> faceIds, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, HeldInCollection, tx, ("c", collectionId));
        return (await ReadAllAsync(cmd, r => r.GetString(0), cancellationToken).ConfigureAwait(false)).Where(faceIds.Contains).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Makes a delete and the holds it checks one atomic step: placing or lifting a hold and recording or deciding a
    /// lead wait until this transaction ends, and the statements after this one read every hold and lead committed
    /// before it. Taken first in its transaction; the audit chain's head is always taken last (every writer keeps that
    /// order, so the two cannot deadlock).
    /// </summary>
    private static Task LockHoldsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken) =>
        ExecAsync(connection, tx, "LOCK TABLE legal_holds, leads IN SHARE MODE;", cancellationToken);

    /// <summary>How many faces of a collection a held case's leads point at (those a delete of the collection must keep).</summary>
    private static async Task<int> CountHeldFacesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string collectionId, CancellationToken cancellationToken) =>
        Convert.ToInt32(await ScalarAsync(connection, tx, $"SELECT COUNT(*) FROM faces WHERE collection_id = @c AND face_id IN ({HeldFaceIds} AND l.collection_id = @c);", cancellationToken,
            ("c", collectionId)).ConfigureAwait(false), CultureInfo.InvariantCulture);

    public Task<RetentionSweep> SweepAsync(AuditEntry audit, string collectionId, DateTimeOffset? faceCutoff, DateTimeOffset? leadCutoff, int batch, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            // As a delete by hand (LockHoldsAsync), and leads too are deleted: one sweep or delete at a time.
            await ExecAsync(c, tx, "LOCK TABLE legal_holds IN SHARE MODE; LOCK TABLE leads IN SHARE ROW EXCLUSIVE MODE;", cancellationToken).ConfigureAwait(false);
            var faces = new List<StoredFace>();
            int heldFaces = 0, leads = 0, heldLeads = 0;
            if (faceCutoff is { } fc)
            {
                await using (var cmd = Command(c, $"DELETE FROM faces WHERE row_id IN (SELECT row_id FROM faces WHERE collection_id = @c AND created_at < @t AND face_id NOT IN ({HeldFaceIds}) ORDER BY created_at, row_id LIMIT @n) RETURNING {FaceColumns};", tx,
                    ("c", collectionId), ("t", Ms(fc)), ("n", batch)))
                    faces.AddRange((await ReadAllAsync(cmd, r => ReadFace(r, false), cancellationToken).ConfigureAwait(false)).OrderBy(f => f.RowId));
                heldFaces = await CountAsync(c, tx, $"SELECT COUNT(*) FROM faces WHERE collection_id = @c AND created_at < @t AND face_id IN ({HeldFaceIds});", collectionId, fc, cancellationToken).ConfigureAwait(false);
            }
            if (leadCutoff is { } lc)
            {
                const string Held = "case_id IS NOT NULL AND case_id IN (SELECT case_id FROM legal_holds)";
                leads = await ExecAsync(c, tx, $"DELETE FROM leads WHERE id IN (SELECT id FROM leads WHERE collection_id = @c AND created_at < @t AND NOT ({Held}) ORDER BY created_at, id LIMIT @n);", cancellationToken,
                    ("c", collectionId), ("t", Ms(lc)), ("n", batch)).ConfigureAwait(false);
                heldLeads = await CountAsync(c, tx, $"SELECT COUNT(*) FROM leads WHERE collection_id = @c AND created_at < @t AND {Held};", collectionId, lc, cancellationToken).ConfigureAwait(false);
            }
            if (faces.Count == 0 && leads == 0)
                return new RetentionSweep(collectionId, [], 0, heldFaces, heldLeads); // nothing deleted: nothing to audit
            string details = System.Text.Json.JsonSerializer.Serialize(new RetentionDetails([.. faces.Select(f => f.FaceId)], leads, heldFaces, heldLeads), PostgresJson.Default.RetentionDetails);
            await AppendAuditedAsync(c, tx, audit, details, collectionId, cancellationToken).ConfigureAwait(false);
            return new RetentionSweep(collectionId, faces, leads, heldFaces, heldLeads);
        }, cancellationToken);

    private static async Task<int> CountAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string collectionId, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        Convert.ToInt32(await ScalarAsync(connection, tx, sql, cancellationToken, ("c", collectionId), ("t", Ms(cutoff))).ConfigureAwait(false), CultureInfo.InvariantCulture);
}

/// <summary>The audit details of a delete of faces that a legal hold partly refused: the deleted ids and the held ones.</summary>
internal sealed record FaceDeletionDetails(string[] Deleted, string[] Held);

/// <summary>The audit details of a retention pass: the deleted face ids, how many leads went, and what a hold spared.</summary>
internal sealed record RetentionDetails(string[] DeletedFaces, int DeletedLeads, int HeldFaces, int HeldLeads);
