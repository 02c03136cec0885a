namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string UserFaceCount = "(SELECT COUNT(*) FROM faces f WHERE f.collection_id = u.collection_id AND f.user_id = u.user_id)";

    public void CreateUser(AuditEntry audit, string collectionId, string userId, DateTimeOffset createdAt, string? clientRequestToken = null)
    {
        var conflict = new Violation(ErrorKind.Conflict, $"User {userId} already exists in collection {collectionId}.");
        Write((c, tx) =>
        {
            using var insert = Command(c, "INSERT INTO users (collection_id, user_id, created_at, client_request_token) VALUES (@c, @u, @t, @k) ON CONFLICT (collection_id, user_id) DO NOTHING;", tx,
                ("c", collectionId), ("u", userId), ("t", Ms(createdAt)), ("k", clientRequestToken));
            if (insert.ExecuteNonQuery() == 1)
            {
                AppendAudited(c, tx, audit, Ids([userId]), collectionId);
                return;
            }
            using var token = Command(c, "SELECT client_request_token FROM users WHERE collection_id = @c AND user_id = @u;", tx, ("c", collectionId), ("u", userId));
            if (clientRequestToken is not null && token.ExecuteScalar() is string stored && stored == clientRequestToken)
                return; // the same request again: idempotent, and nothing to audit
            throw new SightlineException(conflict.Kind, conflict.Message);
        }, conflict); // a missing collection is a foreign-key violation, which SQLite reports as this conflict too
    }

    public int? GetUserFaceCount(string collectionId, string userId) =>
        Query($"SELECT {UserFaceCount} FROM users u WHERE u.collection_id = @c AND u.user_id = @u;", r => (int?)r.GetInt64(0), ("c", collectionId), ("u", userId))
            .FirstOrDefault();

    public bool DeleteUser(AuditEntry audit, string collectionId, string userId) =>
        Write((c, tx) =>
        {
            using (var unlink = Command(c, "UPDATE faces SET user_id = NULL WHERE collection_id = @c AND user_id = @u;", tx, ("c", collectionId), ("u", userId)))
                unlink.ExecuteNonQuery();
            using var cmd = Command(c, "DELETE FROM users WHERE collection_id = @c AND user_id = @u;", tx, ("c", collectionId), ("u", userId));
            if (cmd.ExecuteNonQuery() == 0)
                return false; // a user that did not exist had no faces to unlink either: nothing to record
            AppendAudited(c, tx, audit, Ids([userId]), collectionId);
            return true;
        });

    public IReadOnlyList<(string UserId, int FaceCount)> ListUsers(string collectionId, string? after, int limit) =>
        Query($"SELECT u.user_id, {UserFaceCount} FROM users u WHERE u.collection_id = @c AND u.user_id > @after ORDER BY u.user_id LIMIT @limit;",
            r => (r.GetString(0), (int)r.GetInt64(1)), ("c", collectionId), ("after", after ?? ""), ("limit", limit));

    public void SetFaceUser(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, string? userId) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, "UPDATE faces SET user_id = @u WHERE collection_id = @c AND face_id = ANY(@f);", tx,
                ("c", collectionId), ("f", faceIds.ToArray()), ("u", userId));
            cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, Ids(faceIds.Append(userId ?? "(none)")), collectionId);
        });

    public IReadOnlyList<StoredFace> UserFaces(string collectionId, string userId, bool withEmbeddings) =>
        Query($"SELECT {FaceColumns}{(withEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = @c AND user_id = @u ORDER BY row_id;",
            r => ReadFace(r, withEmbeddings), ("c", collectionId), ("u", userId));
}
