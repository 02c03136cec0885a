using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    private const string CollectionColumns = """
        c.id, c.arn, c.face_model_version, c.created_at,
        (SELECT COUNT(*) FROM faces f WHERE f.collection_id = c.id),
        (SELECT COUNT(*) FROM users u WHERE u.collection_id = c.id)
        """;

    public async Task<CollectionRecord> CreateCollectionAsync(AuditEntry audit, string id, string arn, string faceModelVersion, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, "INSERT INTO collections (id, arn, face_model_version, created_at) VALUES ($id, $arn, $v, $t);", cancellationToken,
                ("$id", id), ("$arn", arn), ("$v", faceModelVersion), ("$t", createdAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            await CommitAuditedAsync(connection, tx, audit, null, id, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"The collection id: {id} already exists", ex);
        }
        return new CollectionRecord(id, arn, faceModelVersion, FromUnixMs(createdAt.ToUnixTimeMilliseconds()), 0, 0);
    }

    public async Task<CollectionRecord?> GetCollectionAsync(string id, bool withCounts, CancellationToken cancellationToken)
    {
        string columns = withCounts ? CollectionColumns : "c.id, c.arn, c.face_model_version, c.created_at, 0, 0";
        return (await QueryAsync($"SELECT {columns} FROM collections c WHERE c.id = $id;", ReadCollection, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<CollectionRecord>> ListCollectionsAsync(string? after, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {CollectionColumns} FROM collections c WHERE c.id > $after ORDER BY c.id LIMIT $limit;", ReadCollection, cancellationToken,
            ("$after", after ?? ""), ("$limit", limit)).ConfigureAwait(false);

    public async Task<CollectionDeletion> DeleteCollectionAsync(AuditEntry audit, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false); // BEGIN IMMEDIATE: no hold can be placed between the check and the delete
        if (await ScalarAsync(connection, tx, "SELECT 1 FROM collections WHERE id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false) is null)
            return new CollectionDeletion(false, 0);
        int held = await CountHeldFacesAsync(connection, tx, id, cancellationToken).ConfigureAwait(false);
        if (held > 0)
            return new CollectionDeletion(true, held);
        await ExecAsync(connection, tx, "DELETE FROM faces WHERE collection_id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false);
        await ExecAsync(connection, tx, "DELETE FROM users WHERE collection_id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false);
        await ExecAsync(connection, tx, "DELETE FROM collections WHERE id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false);
        await CommitAuditedAsync(connection, tx, audit, null, id, cancellationToken).ConfigureAwait(false);
        return new CollectionDeletion(true, 0);
    }

    private static CollectionRecord ReadCollection(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3)), r.GetInt64(4), r.GetInt64(5));
}
