using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    private const string CollectionColumns = """
        c.id, c.arn, c.face_model_version, c.created_at,
        (SELECT COUNT(*) FROM faces f WHERE f.collection_id = c.id),
        (SELECT COUNT(*) FROM users u WHERE u.collection_id = c.id)
        """;

    public CollectionRecord CreateCollection(AuditEntry audit, string id, string arn, string faceModelVersion, DateTimeOffset createdAt)
    {
        using var connection = Open();
        try
        {
            using var tx = connection.BeginTransaction();
            using var cmd = Command(connection, "INSERT INTO collections (id, arn, face_model_version, created_at) VALUES ($id, $arn, $v, $t);", tx,
                ("$id", id), ("$arn", arn), ("$v", faceModelVersion), ("$t", createdAt.ToUnixTimeMilliseconds()));
            cmd.ExecuteNonQuery();
            CommitAudited(connection, tx, audit, collectionId: id);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"The collection id: {id} already exists", ex);
        }
        return new CollectionRecord(id, arn, faceModelVersion, FromUnixMs(createdAt.ToUnixTimeMilliseconds()), 0, 0);
    }

    public CollectionRecord? GetCollection(string id, bool withCounts = true)
    {
        using var connection = Open();
        string columns = withCounts ? CollectionColumns : "c.id, c.arn, c.face_model_version, c.created_at, 0, 0";
        using var cmd = Command(connection, $"SELECT {columns} FROM collections c WHERE c.id = $id;", null, ("$id", id));
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadCollection(reader) : null;
    }

    public IReadOnlyList<CollectionRecord> ListCollections(string? after, int limit)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {CollectionColumns} FROM collections c WHERE c.id > $after ORDER BY c.id LIMIT $limit;", null,
            ("$after", after ?? ""), ("$limit", limit));
        using var reader = cmd.ExecuteReader();
        var result = new List<CollectionRecord>();
        while (reader.Read())
            result.Add(ReadCollection(reader));
        return result;
    }

    public CollectionDeletion DeleteCollection(AuditEntry audit, string id)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction(); // BEGIN IMMEDIATE: no hold can be placed between the check and the delete
        using (var exists = Command(connection, "SELECT 1 FROM collections WHERE id = $id;", tx, ("$id", id)))
        {
            if (exists.ExecuteScalar() is null)
                return new CollectionDeletion(false, 0);
        }
        int held = CountHeldFaces(connection, tx, id);
        if (held > 0)
            return new CollectionDeletion(true, held);
        using (var faces = Command(connection, "DELETE FROM faces WHERE collection_id = $id;", tx, ("$id", id)))
            faces.ExecuteNonQuery();
        using (var users = Command(connection, "DELETE FROM users WHERE collection_id = $id;", tx, ("$id", id)))
            users.ExecuteNonQuery();
        using (var cmd = Command(connection, "DELETE FROM collections WHERE id = $id;", tx, ("$id", id)))
            cmd.ExecuteNonQuery();
        CommitAudited(connection, tx, audit, collectionId: id);
        return new CollectionDeletion(true, 0);
    }

    private static CollectionRecord ReadCollection(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3)), r.GetInt64(4), r.GetInt64(5));
}
