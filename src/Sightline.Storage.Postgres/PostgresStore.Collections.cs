using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string CollectionColumns = """
        c.id, c.arn, c.face_model_version, c.created_at,
        (SELECT COUNT(*) FROM faces f WHERE f.collection_id = c.id),
        (SELECT COUNT(*) FROM users u WHERE u.collection_id = c.id)
        """;

    public CollectionRecord CreateCollection(AuditEntry audit, string id, string arn, string faceModelVersion, DateTimeOffset createdAt)
    {
        Write((c, tx) =>
        {
            using var cmd = Command(c, "INSERT INTO collections (id, arn, face_model_version, created_at) VALUES (@id, @arn, @v, @t);", tx,
                ("id", id), ("arn", arn), ("v", faceModelVersion), ("t", Ms(createdAt)));
            cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, collectionId: id);
        }, new Violation(ErrorKind.ResourceAlreadyExists, $"The collection id: {id} already exists"));
        return new CollectionRecord(id, arn, faceModelVersion, FromUnixMs(Ms(createdAt)), 0, 0);
    }

    public CollectionRecord? GetCollection(string id, bool withCounts = true)
    {
        string columns = withCounts ? CollectionColumns : "c.id, c.arn, c.face_model_version, c.created_at, 0::bigint, 0::bigint";
        return Query($"SELECT {columns} FROM collections c WHERE c.id = @id;", ReadCollection, ("id", id)).FirstOrDefault();
    }

    public IReadOnlyList<CollectionRecord> ListCollections(string? after, int limit) =>
        Query($"SELECT {CollectionColumns} FROM collections c WHERE c.id > @after ORDER BY c.id LIMIT @limit;", ReadCollection,
            ("after", after ?? ""), ("limit", limit));

    public CollectionDeletion DeleteCollection(AuditEntry audit, string id) =>
        Write((c, tx) =>
        {
            LockHolds(c, tx);
            using (var exists = Command(c, "SELECT 1 FROM collections WHERE id = @id FOR UPDATE;", tx, ("id", id)))
            {
                if (exists.ExecuteScalar() is null)
                    return new CollectionDeletion(false, 0);
            }
            int held = CountHeldFaces(c, tx, id);
            if (held > 0)
                return new CollectionDeletion(true, held); // nothing deleted
            // Faces, users, tags and the retention rule go with it (ON DELETE CASCADE).
            using var cmd = Command(c, "DELETE FROM collections WHERE id = @id;", tx, ("id", id));
            cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, collectionId: id);
            return new CollectionDeletion(true, 0);
        });

    private static CollectionRecord ReadCollection(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3)), r.GetInt64(4), r.GetInt64(5));
}
