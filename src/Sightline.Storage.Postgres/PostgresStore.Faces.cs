using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string FaceColumns = "row_id, face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, user_id, created_at";

    public Task<IReadOnlyList<StoredFace>> AddFacesAsync(AuditEntry audit, string collectionId, IReadOnlyList<NewFace> faces, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        long created = Ms(createdAt);
        return WriteAsync<IReadOnlyList<StoredFace>>(async (c, tx) =>
        {
            var result = new List<StoredFace>(faces.Count);
            if (faces.Count > 0)
            {
                // One round trip: a batch of inserts, each returning the row id it was given.
                await using var batch = new NpgsqlBatch(c, tx);
                foreach (var f in faces)
                {
                    var cmd = new NpgsqlBatchCommand("""
                        WITH f AS (
                            INSERT INTO faces (face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, created_at, embedding)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING row_id),
                        i AS (INSERT INTO face_images (row_id, jpeg) SELECT row_id, $12 FROM f WHERE $12::bytea IS NOT NULL)
                        SELECT row_id FROM f;
                        """);
                    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = f.FaceId });
                    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = collectionId });
                    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = f.ImageId });
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)f.ExternalImageId ?? DBNull.Value });
                    foreach (float v in new[] { f.Left, f.Top, f.Width, f.Height, f.Confidence })
                        cmd.Parameters.Add(new NpgsqlParameter<float> { TypedValue = v });
                    cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = created });
                    cmd.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = ToBlob(f.Embedding) });
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)f.Image ?? DBNull.Value });
                    batch.BatchCommands.Add(cmd);
                }
                await using var r = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                foreach (var f in faces)
                {
                    await r.ReadAsync(cancellationToken).ConfigureAwait(false);
                    result.Add(new StoredFace(r.GetInt64(0), f.FaceId, collectionId, f.ImageId, f.ExternalImageId, f.Left, f.Top, f.Width, f.Height, f.Confidence, null, FromUnixMs(created), f.Embedding));
                    await r.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await AppendAuditedAsync(c, tx, audit, Ids(result.Select(f => f.FaceId)), collectionId, cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken, new Violation(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist"));
    }

    public async Task<byte[]?> GetFaceImageAsync(string collectionId, string faceId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT i.jpeg FROM faces f JOIN face_images i ON i.row_id = f.row_id WHERE f.collection_id = @c AND f.face_id = @f;", r => (byte[])r.GetValue(0), cancellationToken,
            ("c", collectionId), ("f", faceId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<StoredFace>> ListFacesAsync(string collectionId, long afterRowId, int limit, FaceFilter filter, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {FaceColumns}{(filter.WithEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = @c AND row_id > @after");
        var parameters = new List<(string, object?)> { ("c", collectionId), ("after", afterRowId), ("limit", limit) };
        if (filter.FaceIds is { Count: > 0 } faceIds)
        {
            sql.Append(" AND face_id = ANY(@f)");
            parameters.Add(("f", faceIds.ToArray()));
        }
        if (filter.UserId is { } userId)
        {
            sql.Append(" AND user_id = @u");
            parameters.Add(("u", userId));
        }
        sql.Append(" ORDER BY row_id LIMIT @limit;");
        return await QueryAsync(sql.ToString(), r => ReadFace(r, filter.WithEmbeddings), cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    public async Task<StoredFace?> GetFaceAsync(string collectionId, string faceId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FaceColumns}, embedding FROM faces WHERE collection_id = @c AND face_id = @f;", r => ReadFace(r, true), cancellationToken,
            ("c", collectionId), ("f", faceId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<StoredFace>> GetFacesByRowIdsAsync(IReadOnlyCollection<long> rowIds, CancellationToken cancellationToken) =>
        rowIds.Count == 0 ? [] : await QueryAsync($"SELECT {FaceColumns} FROM faces WHERE row_id = ANY(@r);", r => ReadFace(r, false), cancellationToken, ("r", rowIds.ToArray())).ConfigureAwait(false);

    public async Task<IReadOnlyDictionary<long, float[]>> GetEmbeddingsAsync(IReadOnlyCollection<long> rowIds, CancellationToken cancellationToken) =>
        rowIds.Count == 0 ? new Dictionary<long, float[]>()
            : (await QueryAsync("SELECT row_id, embedding FROM faces WHERE row_id = ANY(@r);", r => (Row: r.GetInt64(0), Embedding: FromBlob(r.GetFieldValue<byte[]>(1))), cancellationToken,
                ("r", rowIds.ToArray())).ConfigureAwait(false)).ToDictionary(e => e.Row, e => e.Embedding);

    public async Task<float[]?> GetEmbeddingAsync(long rowId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT embedding FROM faces WHERE row_id = @r;", r => FromBlob(r.GetFieldValue<byte[]>(0)), cancellationToken, ("r", rowId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<FaceDeletion> DeleteFacesAsync(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            string[] ids = [.. faceIds.Distinct()];
            await LockHoldsAsync(c, tx, cancellationToken).ConfigureAwait(false);
            var held = await HeldFacesAsync(c, tx, collectionId, ids, cancellationToken).ConfigureAwait(false);
            string[] free = [.. ids.Where(id => !held.Contains(id))], refused = [.. ids.Where(held.Contains)];
            await using var cmd = Command(c, $"DELETE FROM faces WHERE collection_id = @c AND face_id = ANY(@f) RETURNING {FaceColumns};", tx, ("c", collectionId), ("f", free));
            var deleted = (await ReadAllAsync(cmd, r => ReadFace(r, false), cancellationToken).ConfigureAwait(false))
                .OrderBy(f => Array.IndexOf(ids, f.FaceId)).ToList(); // in the order asked, as SQLite returns them
            if (deleted.Count == 0 && refused.Length == 0)
                return new FaceDeletion([], []);
            string details = refused.Length == 0 ? Ids(deleted.Select(f => f.FaceId))
                : System.Text.Json.JsonSerializer.Serialize(new FaceDeletionDetails([.. deleted.Select(f => f.FaceId)], refused), PostgresJson.Default.FaceDeletionDetails);
            await AppendAuditedAsync(c, tx, audit, details, collectionId, cancellationToken).ConfigureAwait(false);
            return new FaceDeletion(deleted, refused);
        }, cancellationToken);

    public async Task<IReadOnlyList<long>> ReadRowIdsAsync(string collectionId, FaceShard shard, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT row_id FROM faces WHERE collection_id = @c AND row_id % @n = @i ORDER BY row_id;", r => r.GetInt64(0), cancellationToken,
            ("c", collectionId), ("n", (long)Math.Max(1, shard.Count)), ("i", (long)shard.Index)).ConfigureAwait(false);

    public IAsyncEnumerable<(long RowId, float[] Embedding)> ReadEmbeddingsAsync(string collectionId, FaceShard shard, CancellationToken cancellationToken) =>
        StreamAsync("SELECT row_id, embedding FROM faces WHERE collection_id = @c AND row_id % @n = @i ORDER BY row_id;", r => (r.GetInt64(0), FromBlob(r.GetFieldValue<byte[]>(1))), cancellationToken,
            ("c", collectionId), ("n", (long)Math.Max(1, shard.Count)), ("i", (long)shard.Index));

    private static StoredFace ReadFace(NpgsqlDataReader r, bool withEmbedding) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Text(r, 4),
        r.GetFloat(5), r.GetFloat(6), r.GetFloat(7), r.GetFloat(8), r.GetFloat(9), Text(r, 10),
        FromUnixMs(r.GetInt64(11)), withEmbedding ? FromBlob(r.GetFieldValue<byte[]>(12)) : null);
}
