using System.Text;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    private const string FaceColumns = "row_id, face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, user_id, created_at";

    public IReadOnlyList<StoredFace> AddFaces(AuditEntry audit, string collectionId, IReadOnlyList<NewFace> faces, DateTimeOffset createdAt)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, """
            INSERT INTO faces (face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, created_at, embedding)
            VALUES ($face, $collection, $image, $external, $l, $t, $w, $h, $conf, $created, $embedding)
            RETURNING row_id;
            """, tx);
        var p = new[] { "$face", "$collection", "$image", "$external", "$l", "$t", "$w", "$h", "$conf", "$created", "$embedding" }
            .ToDictionary(n => n, n => cmd.Parameters.Add(n, SqliteType.Text));
        var result = new List<StoredFace>(faces.Count);
        long created = createdAt.ToUnixTimeMilliseconds();
        try
        {
            foreach (var f in faces)
            {
                p["$face"].Value = f.FaceId;
                p["$collection"].Value = collectionId;
                p["$image"].Value = f.ImageId;
                p["$external"].Value = (object?)f.ExternalImageId ?? DBNull.Value;
                p["$l"].Value = f.Left;
                p["$t"].Value = f.Top;
                p["$w"].Value = f.Width;
                p["$h"].Value = f.Height;
                p["$conf"].Value = f.Confidence;
                p["$created"].Value = created;
                p["$embedding"].SqliteType = SqliteType.Blob;
                p["$embedding"].Value = ToBlob(f.Embedding);
                long rowId = (long)cmd.ExecuteScalar()!;
                result.Add(new StoredFace(rowId, f.FaceId, collectionId, f.ImageId, f.ExternalImageId, f.Left, f.Top, f.Width, f.Height, f.Confidence, null, FromUnixMs(created), f.Embedding));
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist", ex);
        }
        CommitAudited(connection, tx, audit, Ids(result.Select(f => f.FaceId)), collectionId);
        return result;
    }

    public IReadOnlyList<StoredFace> ListFaces(string collectionId, long afterRowId, int limit, IReadOnlyCollection<string>? faceIds = null, bool withEmbeddings = false, string? userId = null)
    {
        using var connection = Open();
        var sql = new StringBuilder($"SELECT {FaceColumns}{(withEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = $c AND row_id > $after");
        using var cmd = Command(connection, "", null, ("$c", collectionId), ("$after", afterRowId), ("$limit", limit));
        if (faceIds is { Count: > 0 })
        {
            sql.Append(" AND face_id IN (");
            int i = 0;
            foreach (var id in faceIds)
            {
                sql.Append(i == 0 ? "" : ", ").Append("$f").Append(i);
                cmd.Parameters.AddWithValue("$f" + i, id);
                i++;
            }
            sql.Append(')');
        }
        if (userId is not null)
        {
            sql.Append(" AND user_id = $u");
            cmd.Parameters.AddWithValue("$u", userId);
        }
        cmd.CommandText = sql.Append(" ORDER BY row_id LIMIT $limit;").ToString();
        return ReadFaces(cmd, withEmbeddings);
    }

    public StoredFace? GetFace(string collectionId, string faceId)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {FaceColumns}, embedding FROM faces WHERE collection_id = $c AND face_id = $f;", null, ("$c", collectionId), ("$f", faceId));
        return ReadFaces(cmd, true).FirstOrDefault();
    }

    public IReadOnlyList<StoredFace> GetFacesByRowIds(IReadOnlyCollection<long> rowIds)
    {
        if (rowIds.Count == 0)
            return [];
        using var connection = Open();
        using var cmd = Command(connection, "");
        cmd.CommandText = $"SELECT {FaceColumns} FROM faces WHERE row_id IN ({InList(cmd, rowIds)});";
        return ReadFaces(cmd, false);
    }

    public IReadOnlyDictionary<long, float[]> GetEmbeddings(IReadOnlyCollection<long> rowIds)
    {
        var result = new Dictionary<long, float[]>(rowIds.Count);
        if (rowIds.Count == 0)
            return result;
        using var connection = Open();
        using var cmd = Command(connection, "");
        cmd.CommandText = $"SELECT row_id, embedding FROM faces WHERE row_id IN ({InList(cmd, rowIds)});";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            result[r.GetInt64(0)] = FromBlob((byte[])r.GetValue(1));
        return result;
    }

    public float[]? GetEmbedding(long rowId)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT embedding FROM faces WHERE row_id = $r;", null, ("$r", rowId));
        return cmd.ExecuteScalar() is byte[] blob ? FromBlob(blob) : null;
    }

    public FaceDeletion DeleteFaces(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction(); // BEGIN IMMEDIATE: the holds read here stand until the commit
        string[] ids = [.. faceIds.Distinct()];
        var held = HeldFaces(connection, tx, collectionId, ids);
        var deleted = new List<StoredFace>();
        foreach (var faceId in ids.Where(id => !held.Contains(id)))
        {
            using var cmd = Command(connection, $"DELETE FROM faces WHERE collection_id = $c AND face_id = $f RETURNING {FaceColumns};", tx, ("$c", collectionId), ("$f", faceId));
            deleted.AddRange(ReadFaces(cmd, false));
        }
        string[] refused = [.. ids.Where(held.Contains)];
        if (deleted.Count == 0 && refused.Length == 0)
            return new FaceDeletion([], []);
        CommitAudited(connection, tx, audit, FaceDeletionDetails(deleted, refused), collectionId);
        return new FaceDeletion(deleted, refused);
    }

    /// <summary>The deleted face ids; with the ids a hold kept, when there are any.</summary>
    private static string FaceDeletionDetails(IEnumerable<StoredFace> deleted, string[] held) => held.Length == 0
        ? Ids(deleted.Select(f => f.FaceId))
        : System.Text.Json.JsonSerializer.Serialize(new FaceDeletionDetails([.. deleted.Select(f => f.FaceId)], held), AuditJson.Default.FaceDeletionDetails);

    public IReadOnlyList<long> ReadRowIds(string collectionId)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT row_id FROM faces WHERE collection_id = $c ORDER BY row_id;", null, ("$c", collectionId));
        using var reader = cmd.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    public IEnumerable<(long RowId, float[] Embedding)> ReadEmbeddings(string collectionId)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT row_id, embedding FROM faces WHERE collection_id = $c ORDER BY row_id;", null, ("$c", collectionId));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            yield return (reader.GetInt64(0), FromBlob((byte[])reader.GetValue(1)));
    }

    /// <summary>Binds each id as a parameter and returns the parameter list for an IN (...) clause.</summary>
    private static string InList(SqliteCommand cmd, IEnumerable<long> ids) =>
        string.Join(", ", ids.Select((id, i) =>
        {
            cmd.Parameters.AddWithValue("$r" + i, id);
            return "$r" + i;
        }));

    private static List<StoredFace> ReadFaces(SqliteCommand cmd, bool withEmbeddings)
    {
        using var r = cmd.ExecuteReader();
        var result = new List<StoredFace>();
        while (r.Read())
        {
            result.Add(new StoredFace(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetFloat(5), r.GetFloat(6), r.GetFloat(7), r.GetFloat(8), r.GetFloat(9), r.IsDBNull(10) ? null : r.GetString(10),
                FromUnixMs(r.GetInt64(11)), withEmbeddings ? FromBlob((byte[])r.GetValue(12)) : null));
        }
        return result;
    }
}
