namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string UserFaceCount = "(SELECT COUNT(*) FROM faces f WHERE f.collection_id = u.collection_id AND f.user_id = u.user_id)";

    public Task CreateUserAsync(AuditEntry audit, string collectionId, string userId, DateTimeOffset createdAt, string? clientRequestToken, CancellationToken cancellationToken)
    {
        var conflict = new Violation(ErrorKind.Conflict, $"User {userId} already exists in collection {collectionId}.");
        return WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "INSERT INTO users (collection_id, user_id, created_at, client_request_token) VALUES (@c, @u, @t, @k) ON CONFLICT (collection_id, user_id) DO NOTHING;", cancellationToken,
                ("c", collectionId), ("u", userId), ("t", Ms(createdAt)), ("k", clientRequestToken)).ConfigureAwait(false) == 1)
            {
                await AppendAuditedAsync(c, tx, audit, Ids([userId]), collectionId, cancellationToken).ConfigureAwait(false);
                return;
            }
            var stored = await ScalarAsync(c, tx, "SELECT client_request_token FROM users WHERE collection_id = @c AND user_id = @u;", cancellationToken, ("c", collectionId), ("u", userId)).ConfigureAwait(false);
            if (clientRequestToken is not null && stored is string token && token == clientRequestToken)
                return; // the same request again: idempotent, and nothing to audit
            throw new SightlineException(conflict.Kind, conflict.Message);
        }, cancellationToken, conflict); // a missing collection is a foreign-key violation, which SQLite reports as this conflict too
    }

    public async Task<int?> GetUserFaceCountAsync(string collectionId, string userId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {UserFaceCount} FROM users u WHERE u.collection_id = @c AND u.user_id = @u;", r => (int?)r.GetInt64(0), cancellationToken,
            ("c", collectionId), ("u", userId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<bool> DeleteUserAsync(AuditEntry audit, string collectionId, string userId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "UPDATE faces SET user_id = NULL WHERE collection_id = @c AND user_id = @u;", cancellationToken, ("c", collectionId), ("u", userId)).ConfigureAwait(false);
            if (await ExecAsync(c, tx, "DELETE FROM users WHERE collection_id = @c AND user_id = @u;", cancellationToken, ("c", collectionId), ("u", userId)).ConfigureAwait(false) == 0)
                return false; // a user that did not exist had no faces to unlink either: nothing to record
            await AppendAuditedAsync(c, tx, audit, Ids([userId]), collectionId, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public async Task<IReadOnlyList<(string UserId, int FaceCount)>> ListUsersAsync(string collectionId, string? after, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT u.user_id, {UserFaceCount} FROM users u WHERE u.collection_id = @c AND u.user_id > @after ORDER BY u.user_id LIMIT @limit;",
            r => (r.GetString(0), (int)r.GetInt64(1)), cancellationToken, ("c", collectionId), ("after", after ?? ""), ("limit", limit)).ConfigureAwait(false);

    public Task SetFaceUserAsync(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, string? userId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "UPDATE faces SET user_id = @u WHERE collection_id = @c AND face_id = ANY(@f);", cancellationToken,
                ("c", collectionId), ("f", faceIds.ToArray()), ("u", userId)).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, Ids(faceIds.Append(userId ?? "(none)")), collectionId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<IReadOnlyList<StoredFace>> UserFacesAsync(string collectionId, string userId, bool withEmbeddings, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {FaceColumns}{(withEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = @c AND user_id = @u ORDER BY row_id;",
            r => ReadFace(r, withEmbeddings), cancellationToken, ("c", collectionId), ("u", userId)).ConfigureAwait(false);
}
