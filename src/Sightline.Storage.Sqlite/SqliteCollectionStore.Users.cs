using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    private const string UserFaceCount = "(SELECT COUNT(*) FROM faces f WHERE f.collection_id = u.collection_id AND f.user_id = u.user_id)";

    public async Task CreateUserAsync(AuditEntry audit, string collectionId, string userId, DateTimeOffset createdAt, string? clientRequestToken, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, "INSERT INTO users (collection_id, user_id, created_at, client_request_token) VALUES ($c, $u, $t, $k);", cancellationToken,
                ("$c", collectionId), ("$u", userId), ("$t", createdAt.ToUnixTimeMilliseconds()), ("$k", clientRequestToken)).ConfigureAwait(false);
            await CommitAuditedAsync(connection, tx, audit, Ids([userId]), collectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            var stored = await ScalarAsync(connection, null, "SELECT client_request_token FROM users WHERE collection_id = $c AND user_id = $u;", cancellationToken,
                ("$c", collectionId), ("$u", userId)).ConfigureAwait(false);
            if (clientRequestToken is not null && stored is string token && token == clientRequestToken)
                return; // the same request again: idempotent
            throw new SightlineException(ErrorKind.Conflict, $"User {userId} already exists in collection {collectionId}.", ex);
        }
    }

    public async Task<int?> GetUserFaceCountAsync(string collectionId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(connection, null, $"SELECT {UserFaceCount} FROM users u WHERE u.collection_id = $c AND u.user_id = $u;", cancellationToken,
            ("$c", collectionId), ("$u", userId)).ConfigureAwait(false) is long n ? (int)n : null;
    }

    public async Task<bool> DeleteUserAsync(AuditEntry audit, string collectionId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, tx, "UPDATE faces SET user_id = NULL WHERE collection_id = $c AND user_id = $u;", cancellationToken, ("$c", collectionId), ("$u", userId)).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "DELETE FROM users WHERE collection_id = $c AND user_id = $u;", cancellationToken, ("$c", collectionId), ("$u", userId)).ConfigureAwait(false) == 0)
            return false; // rolled back: a user that did not exist had no faces to unlink either
        await CommitAuditedAsync(connection, tx, audit, Ids([userId]), collectionId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<(string UserId, int FaceCount)>> ListUsersAsync(string collectionId, string? after, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT u.user_id, {UserFaceCount} FROM users u WHERE u.collection_id = $c AND u.user_id > $after ORDER BY u.user_id LIMIT $limit;",
            r => (r.GetString(0), r.GetInt32(1)), cancellationToken, ("$c", collectionId), ("$after", after ?? ""), ("$limit", limit)).ConfigureAwait(false);

    public async Task SetFaceUserAsync(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, string? userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var faceId in faceIds)
        {
            await ExecAsync(connection, tx, "UPDATE faces SET user_id = $u WHERE collection_id = $c AND face_id = $f;", cancellationToken,
                ("$c", collectionId), ("$f", faceId), ("$u", userId)).ConfigureAwait(false);
        }
        await CommitAuditedAsync(connection, tx, audit, Ids(faceIds.Append(userId ?? "(none)")), collectionId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredFace>> UserFacesAsync(string collectionId, string userId, bool withEmbeddings, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {FaceColumns}{(withEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = $c AND user_id = $u ORDER BY row_id;",
            r => ReadFace(r, withEmbeddings), cancellationToken, ("$c", collectionId), ("$u", userId)).ConfigureAwait(false);
}
