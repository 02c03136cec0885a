using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    public void CreateUser(AuditEntry audit, string collectionId, string userId, DateTimeOffset createdAt, string? clientRequestToken = null)
    {
        using var connection = Open();
        try
        {
            using var tx = connection.BeginTransaction();
            using var cmd = Command(connection, "INSERT INTO users (collection_id, user_id, created_at, client_request_token) VALUES ($c, $u, $t, $k);", tx,
                ("$c", collectionId), ("$u", userId), ("$t", createdAt.ToUnixTimeMilliseconds()), ("$k", clientRequestToken));
            cmd.ExecuteNonQuery();
            CommitAudited(connection, tx, audit, Ids([userId]), collectionId);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            using var token = Command(connection, "SELECT client_request_token FROM users WHERE collection_id = $c AND user_id = $u;", null, ("$c", collectionId), ("$u", userId));
            if (clientRequestToken is not null && token.ExecuteScalar() is string stored && stored == clientRequestToken)
                return; // the same request again: idempotent
            throw new SightlineException(ErrorKind.Conflict, $"User {userId} already exists in collection {collectionId}.", ex);
        }
    }

    public int? GetUserFaceCount(string collectionId, string userId)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT (SELECT COUNT(*) FROM faces f WHERE f.collection_id = u.collection_id AND f.user_id = u.user_id)
            FROM users u WHERE u.collection_id = $c AND u.user_id = $u;
            """, null, ("$c", collectionId), ("$u", userId));
        return cmd.ExecuteScalar() is long n ? (int)n : null;
    }

    public bool DeleteUser(AuditEntry audit, string collectionId, string userId)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var unlink = Command(connection, "UPDATE faces SET user_id = NULL WHERE collection_id = $c AND user_id = $u;", tx, ("$c", collectionId), ("$u", userId)))
            unlink.ExecuteNonQuery();
        int deleted;
        using (var cmd = Command(connection, "DELETE FROM users WHERE collection_id = $c AND user_id = $u;", tx, ("$c", collectionId), ("$u", userId)))
            deleted = cmd.ExecuteNonQuery();
        if (deleted == 0)
            return false; // rolled back: a user that did not exist had no faces to unlink either
        CommitAudited(connection, tx, audit, Ids([userId]), collectionId);
        return true;
    }

    public IReadOnlyList<(string UserId, int FaceCount)> ListUsers(string collectionId, string? after, int limit)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT u.user_id, (SELECT COUNT(*) FROM faces f WHERE f.collection_id = u.collection_id AND f.user_id = u.user_id)
            FROM users u WHERE u.collection_id = $c AND u.user_id > $after ORDER BY u.user_id LIMIT $limit;
            """, null, ("$c", collectionId), ("$after", after ?? ""), ("$limit", limit));
        using var r = cmd.ExecuteReader();
        var result = new List<(string, int)>();
        while (r.Read())
            result.Add((r.GetString(0), r.GetInt32(1)));
        return result;
    }

    public void SetFaceUser(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, string? userId)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        foreach (var faceId in faceIds)
        {
            using var cmd = Command(connection, "UPDATE faces SET user_id = $u WHERE collection_id = $c AND face_id = $f;", tx,
                ("$c", collectionId), ("$f", faceId), ("$u", userId));
            cmd.ExecuteNonQuery();
        }
        CommitAudited(connection, tx, audit, Ids(faceIds.Append(userId ?? "(none)")), collectionId);
    }

    public IReadOnlyList<StoredFace> UserFaces(string collectionId, string userId, bool withEmbeddings)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {FaceColumns}{(withEmbeddings ? ", embedding" : "")} FROM faces WHERE collection_id = $c AND user_id = $u ORDER BY row_id;", null,
            ("$c", collectionId), ("$u", userId));
        return ReadFaces(cmd, withEmbeddings);
    }
}
