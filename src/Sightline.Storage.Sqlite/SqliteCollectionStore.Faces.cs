using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    private const string FaceColumns = "row_id, face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, user_id, created_at";

    public async Task<IReadOnlyList<StoredFace>> AddFacesAsync(AuditEntry audit, string collectionId, IReadOnlyList<NewFace> faces, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, """
            INSERT INTO faces (face_id, collection_id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence, created_at, embedding)
            VALUES ($face, $collection, $image, $external, $l, $t, $w, $h, $conf, $created, $embedding)
            RETURNING row_id;
            """, tx);
        var p = new[] { "$face", "$collection", "$image", "$external", "$l", "$t", "$w", "$h", "$conf", "$created", "$embedding" }
            .ToDictionary(n => n, n => cmd.Parameters.Add(n, SqliteType.Text));
        await using var image = Command(connection, "INSERT INTO face_images (row_id, jpeg) VALUES ($row, $jpeg);", tx);
        var imageRow = image.Parameters.Add("$row", SqliteType.Integer);
        var imageJpeg = image.Parameters.Add("$jpeg", SqliteType.Blob);
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
                long rowId = (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (f.Image is { Length: > 0 } jpeg)
                {
                    imageRow.Value = rowId;
                    imageJpeg.Value = jpeg;
                    await image.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                result.Add(new StoredFace(rowId, f.FaceId, collectionId, f.ImageId, f.ExternalImageId, f.Left, f.Top, f.Width, f.Height, f.Confidence, null, FromUnixMs(created), f.Embedding));
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist", ex);
        }
        await CommitAuditedAsync(connection, tx, audit, Ids(result.Select(f => f.FaceId)), collectionId, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async Task<IReadOnlyList<StoredFace>> ListFacesAsync(string collectionId, long afterRowId, int limit, FaceFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = new StringBuilder($"SELECT {FaceColumns}{(filter.WithEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = $c AND row_id > $after");
        await using var cmd = Command(connection, "", null, ("$c", collectionId), ("$after", afterRowId), ("$limit", limit));
        if (filter.FaceIds is { Count: > 0 } faceIds)
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
        if (filter.UserId is { } userId)
        {
            sql.Append(" AND user_id = $u");
            cmd.Parameters.AddWithValue("$u", userId);
        }
        cmd.CommandText = sql.Append(" ORDER BY row_id LIMIT $limit;").ToString();
        return await ReadFacesAsync(cmd, filter.WithEmbeddings, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredFace?> GetFaceAsync(string collectionId, string faceId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FaceColumns}, embedding FROM faces WHERE collection_id = $c AND face_id = $f;", r => ReadFace(r, true), cancellationToken,
            ("$c", collectionId), ("$f", faceId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<byte[]?> GetFaceImageAsync(string collectionId, string faceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(connection, null, "SELECT i.jpeg FROM faces f JOIN face_images i ON i.row_id = f.row_id WHERE f.collection_id = $c AND f.face_id = $f;", cancellationToken,
            ("$c", collectionId), ("$f", faceId)).ConfigureAwait(false) as byte[];
    }

    public async Task<IReadOnlyList<StoredFace>> GetFacesByRowIdsAsync(IReadOnlyCollection<long> rowIds, CancellationToken cancellationToken)
    {
        if (rowIds.Count == 0)
            return [];
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, "");
        cmd.CommandText = $"SELECT {FaceColumns} FROM faces WHERE row_id IN ({InList(cmd, rowIds)});";
        return await ReadFacesAsync(cmd, false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<long, float[]>> GetEmbeddingsAsync(IReadOnlyCollection<long> rowIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, float[]>(rowIds.Count);
        if (rowIds.Count == 0)
            return result;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, "");
        cmd.CommandText = $"SELECT row_id, embedding FROM faces WHERE row_id IN ({InList(cmd, rowIds)});";
        foreach (var (row, embedding) in await ReadAllAsync(cmd, r => (r.GetInt64(0), FromBlob((byte[])r.GetValue(1))), cancellationToken).ConfigureAwait(false))
            result[row] = embedding;
        return result;
    }

    public async Task<float[]?> GetEmbeddingAsync(long rowId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(connection, null, "SELECT embedding FROM faces WHERE row_id = $r;", cancellationToken, ("$r", rowId)).ConfigureAwait(false) is byte[] blob ? FromBlob(blob) : null;
    }

    public async Task<FaceDeletion> DeleteFacesAsync(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false); // BEGIN IMMEDIATE: the holds read here stand until the commit
        string[] ids = [.. faceIds.Distinct()];
        var held = await HeldFacesAsync(connection, tx, collectionId, ids, cancellationToken).ConfigureAwait(false);
        var deleted = new List<StoredFace>();
        foreach (var faceId in ids.Where(id => !held.Contains(id)))
        {
            await using var cmd = Command(connection, $"DELETE FROM faces WHERE collection_id = $c AND face_id = $f RETURNING {FaceColumns};", tx, ("$c", collectionId), ("$f", faceId));
            deleted.AddRange(await ReadFacesAsync(cmd, false, cancellationToken).ConfigureAwait(false));
        }
        string[] refused = [.. ids.Where(held.Contains)];
        if (deleted.Count == 0 && refused.Length == 0)
            return new FaceDeletion([], []);
        await CommitAuditedAsync(connection, tx, audit, FaceDeletionDetails(deleted, refused), collectionId, cancellationToken).ConfigureAwait(false);
        return new FaceDeletion(deleted, refused);
    }

    /// <summary>The deleted face ids; with the ids a hold kept, when there are any.</summary>
    private static string FaceDeletionDetails(IEnumerable<StoredFace> deleted, string[] held) => held.Length == 0
        ? Ids(deleted.Select(f => f.FaceId))
        : System.Text.Json.JsonSerializer.Serialize(new FaceDeletionDetails([.. deleted.Select(f => f.FaceId)], held), AuditJson.Default.FaceDeletionDetails);

    public async Task<IReadOnlyList<long>> ReadRowIdsAsync(string collectionId, FaceShard shard, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT row_id FROM faces WHERE collection_id = $c AND row_id % $n = $i ORDER BY row_id;", r => r.GetInt64(0), cancellationToken,
            ("$c", collectionId), ("$n", (long)Math.Max(1, shard.Count)), ("$i", (long)shard.Index)).ConfigureAwait(false);

    public async IAsyncEnumerable<(long RowId, float[] Embedding)> ReadEmbeddingsAsync(string collectionId, FaceShard shard, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, "SELECT row_id, embedding FROM faces WHERE collection_id = $c AND row_id % $n = $i ORDER BY row_id;", null,
            ("$c", collectionId), ("$n", (long)Math.Max(1, shard.Count)), ("$i", (long)shard.Index));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return (reader.GetInt64(0), FromBlob((byte[])reader.GetValue(1)));
        }
    }

    /// <summary>Binds each id as a parameter and returns the parameter list for an IN (...) clause.</summary>
    private static string InList(SqliteCommand cmd, IEnumerable<long> ids) =>
        string.Join(", ", ids.Select((id, i) =>
        {
            cmd.Parameters.AddWithValue("$r" + i, id);
            return "$r" + i;
        }));

    private static Task<List<StoredFace>> ReadFacesAsync(SqliteCommand cmd, bool withEmbeddings, CancellationToken cancellationToken) =>
        ReadAllAsync(cmd, r => ReadFace(r, withEmbeddings), cancellationToken);

    private static StoredFace ReadFace(SqliteDataReader r, bool withEmbeddings) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Text(r, 4),
        r.GetFloat(5), r.GetFloat(6), r.GetFloat(7), r.GetFloat(8), r.GetFloat(9), Text(r, 10),
        FromUnixMs(r.GetInt64(11)), withEmbeddings ? FromBlob((byte[])r.GetValue(12)) : null);
}
