namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    public IReadOnlyDictionary<string, string> GetTags(string collectionId)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT key, value FROM collection_tags WHERE collection_id = $c ORDER BY key;", null, ("$c", collectionId));
        using var reader = cmd.ExecuteReader();
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
            tags[reader.GetString(0)] = reader.GetString(1);
        return tags;
    }

    public void UpdateTags(AuditEntry audit, string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var exists = Command(connection, "SELECT 1 FROM collections WHERE id = $c;", tx, ("$c", collectionId)))
        {
            if (exists.ExecuteScalar() is null)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        }
        foreach (var (key, value) in set)
        {
            using var upsert = Command(connection, "INSERT INTO collection_tags (collection_id, key, value) VALUES ($c, $k, $v) ON CONFLICT (collection_id, key) DO UPDATE SET value = excluded.value;",
                tx, ("$c", collectionId), ("$k", key), ("$v", value));
            upsert.ExecuteNonQuery();
        }
        foreach (var key in remove)
        {
            using var delete = Command(connection, "DELETE FROM collection_tags WHERE collection_id = $c AND key = $k;", tx, ("$c", collectionId), ("$k", key));
            delete.ExecuteNonQuery();
        }
        CommitAudited(connection, tx, audit, Ids(set.Keys.Concat(remove)), collectionId);
    }
}
