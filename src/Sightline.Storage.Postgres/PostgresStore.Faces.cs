using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string FaceColumns = "row_id, face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, user_id, created_at";

    public IReadOnlyList<StoredFace> AddFaces(AuditEntry audit, string collectionId, IReadOnlyList<NewFace> faces, DateTimeOffset createdAt)
    {
        long created = Ms(createdAt);
        return Write((c, tx) =>
        {
            var result = new List<StoredFace>(faces.Count);
            if (faces.Count > 0)
            {
                // One round trip: a batch of inserts, each returning the row id it was given.
                using var batch = new NpgsqlBatch(c, tx);
                foreach (var f in faces)
                {
                    var cmd = new NpgsqlBatchCommand("""
                        INSERT INTO faces (face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, created_at, embedding)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING row_id;
                        """);
                    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = f.FaceId });
                    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = collectionId });
                    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = f.ImageId });
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)f.ExternalImageId ?? DBNull.Value });
                    foreach (float v in new[] { f.Left, f.Top, f.Width, f.Height, f.Confidence })
                        cmd.Parameters.Add(new NpgsqlParameter<float> { TypedValue = v });
                    cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = created });
                    cmd.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = ToBlob(f.Embedding) });
                    batch.BatchCommands.Add(cmd);
                }
                using var r = batch.ExecuteReader();
                foreach (var f in faces)
                {
                    r.Read();
                    result.Add(new StoredFace(r.GetInt64(0), f.FaceId, collectionId, f.ImageId, f.ExternalImageId, f.Left, f.Top, f.Width, f.Height, f.Confidence, null, FromUnixMs(created), f.Embedding));
                    r.NextResult();
                }
            }
            AppendAudited(c, tx, audit, Ids(result.Select(f => f.FaceId)), collectionId);
            return result;
        }, new Violation(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist"));
    }

    public IReadOnlyList<StoredFace> ListFaces(string collectionId, long afterRowId, int limit, IReadOnlyCollection<string>? faceIds = null, bool withEmbeddings = false, string? userId = null)
    {
        var sql = new StringBuilder($"SELECT {FaceColumns}{(withEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = @c AND row_id > @after");
        var parameters = new List<(string, object?)> { ("c", collectionId), ("after", afterRowId), ("limit", limit) };
        if (faceIds is { Count: > 0 })
        {
            sql.Append(" AND face_id = ANY(@f)");
            parameters.Add(("f", faceIds.ToArray()));
        }
        if (userId is not null)
        {
            sql.Append(" AND user_id = @u");
            parameters.Add(("u", userId));
        }
        sql.Append(" ORDER BY row_id LIMIT @limit;");
        return Query(sql.ToString(), r => ReadFace(r, withEmbeddings), [.. parameters]);
    }

    public StoredFace? GetFace(string collectionId, string faceId) =>
        Query($"SELECT {FaceColumns}, embedding FROM faces WHERE collection_id = @c AND face_id = @f;", r => ReadFace(r, true), ("c", collectionId), ("f", faceId)).FirstOrDefault();

    public IReadOnlyList<StoredFace> GetFacesByRowIds(IReadOnlyCollection<long> rowIds) =>
        rowIds.Count == 0 ? [] : Query($"SELECT {FaceColumns} FROM faces WHERE row_id = ANY(@r);", r => ReadFace(r, false), ("r", rowIds.ToArray()));

    public IReadOnlyDictionary<long, float[]> GetEmbeddings(IReadOnlyCollection<long> rowIds) =>
        rowIds.Count == 0 ? new Dictionary<long, float[]>()
            : Query("SELECT row_id, embedding FROM faces WHERE row_id = ANY(@r);", r => (Row: r.GetInt64(0), Embedding: FromBlob(r.GetFieldValue<byte[]>(1))), ("r", rowIds.ToArray()))
                .ToDictionary(e => e.Row, e => e.Embedding);

    public float[]? GetEmbedding(long rowId) =>
        Query("SELECT embedding FROM faces WHERE row_id = @r;", r => FromBlob(r.GetFieldValue<byte[]>(0)), ("r", rowId)).FirstOrDefault();

    public FaceDeletion DeleteFaces(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds) =>
        Write((c, tx) =>
        {
            string[] ids = [.. faceIds.Distinct()];
            LockHolds(c, tx);
            var held = HeldFaces(c, tx, collectionId, ids);
            string[] free = [.. ids.Where(id => !held.Contains(id))], refused = [.. ids.Where(held.Contains)];
            using var cmd = Command(c, $"DELETE FROM faces WHERE collection_id = @c AND face_id = ANY(@f) RETURNING {FaceColumns};", tx, ("c", collectionId), ("f", free));
            var deleted = ReadAll(cmd, r => ReadFace(r, false)).OrderBy(f => Array.IndexOf(ids, f.FaceId)).ToList(); // in the order asked, as SQLite returns them
            if (deleted.Count == 0 && refused.Length == 0)
                return new FaceDeletion([], []);
            string details = refused.Length == 0 ? Ids(deleted.Select(f => f.FaceId))
                : System.Text.Json.JsonSerializer.Serialize(new FaceDeletionDetails([.. deleted.Select(f => f.FaceId)], refused), PostgresJson.Default.FaceDeletionDetails);
            AppendAudited(c, tx, audit, details, collectionId);
            return new FaceDeletion(deleted, refused);
        });

    public IReadOnlyList<long> ReadRowIds(string collectionId) =>
        Query("SELECT row_id FROM faces WHERE collection_id = @c ORDER BY row_id;", r => r.GetInt64(0), ("c", collectionId));

    public IEnumerable<(long RowId, float[] Embedding)> ReadEmbeddings(string collectionId)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT row_id, embedding FROM faces WHERE collection_id = @c ORDER BY row_id;", null, ("c", collectionId));
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return (r.GetInt64(0), FromBlob(r.GetFieldValue<byte[]>(1)));
    }

    private static StoredFace ReadFace(NpgsqlDataReader r, bool withEmbedding) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Text(r, 4),
        r.GetFloat(5), r.GetFloat(6), r.GetFloat(7), r.GetFloat(8), r.GetFloat(9), Text(r, 10),
        FromUnixMs(r.GetInt64(11)), withEmbedding ? FromBlob(r.GetFieldValue<byte[]>(12)) : null);
}
