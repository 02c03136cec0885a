using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string CollectionColumns = """
        c.id, c.arn, c.face_model_version, c.created_at,
        (SELECT COUNT(*) FROM faces f WHERE f.collection_id = c.id),
        (SELECT COUNT(*) FROM users u WHERE u.collection_id = c.id)
        """;

    public async Task<CollectionRecord> CreateCollectionAsync(AuditEntry audit, string id, string arn, string faceModelVersion, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "INSERT INTO collections (id, arn, face_model_version, created_at) VALUES (@id, @arn, @v, @t);", cancellationToken,
                ("id", id), ("arn", arn), ("v", faceModelVersion), ("t", Ms(createdAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, null, id, cancellationToken).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.ResourceAlreadyExists, $"The collection id: {id} already exists")).ConfigureAwait(false);
        return new CollectionRecord(id, arn, faceModelVersion, FromUnixMs(Ms(createdAt)), 0, 0);
    }

    public async Task<CollectionRecord?> GetCollectionAsync(string id, bool withCounts, CancellationToken cancellationToken)
    {
        string columns = withCounts ? CollectionColumns : "c.id, c.arn, c.face_model_version, c.created_at, 0::bigint, 0::bigint";
        return (await QueryAsync($"SELECT {columns} FROM collections c WHERE c.id = @id;", ReadCollection, cancellationToken, ("id", id)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<CollectionRecord>> ListCollectionsAsync(string? after, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {CollectionColumns} FROM collections c WHERE c.id > @after ORDER BY c.id LIMIT @limit;", ReadCollection, cancellationToken,
            ("after", after ?? ""), ("limit", limit)).ConfigureAwait(false);

    public Task<CollectionDeletion> DeleteCollectionAsync(AuditEntry audit, string id, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await LockHoldsAsync(c, tx, cancellationToken).ConfigureAwait(false);
            if (await ScalarAsync(c, tx, "SELECT 1 FROM collections WHERE id = @id FOR UPDATE;", cancellationToken, ("id", id)).ConfigureAwait(false) is null)
                return new CollectionDeletion(false, 0);
            int held = await CountHeldFacesAsync(c, tx, id, cancellationToken).ConfigureAwait(false);
            if (held > 0)
                return new CollectionDeletion(true, held); // nothing deleted
            // Faces, users, tags and the retention rule go with it (ON DELETE CASCADE).
            await ExecAsync(c, tx, "DELETE FROM collections WHERE id = @id;", cancellationToken, ("id", id)).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, null, id, cancellationToken).ConfigureAwait(false);
            return new CollectionDeletion(true, 0);
        }, cancellationToken);

    private static CollectionRecord ReadCollection(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3)), r.GetInt64(4), r.GetInt64(5));
}
