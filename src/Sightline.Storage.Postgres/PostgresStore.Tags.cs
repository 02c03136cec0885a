namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    public IReadOnlyDictionary<string, string> GetTags(string collectionId) =>
        Query("SELECT key, value FROM collection_tags WHERE collection_id = @c ORDER BY key;", r => (Key: r.GetString(0), Value: r.GetString(1)), ("c", collectionId))
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    public void UpdateTags(AuditEntry audit, string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove) =>
        Write((c, tx) =>
        {
            // Concurrent tag changes of one collection queue on its row.
            using (var lockRow = Command(c, "SELECT 1 FROM collections WHERE id = @c FOR UPDATE;", tx, ("c", collectionId)))
            {
                if (lockRow.ExecuteScalar() is null)
                    throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
            }
            if (set.Count > 0)
            {
                using var upsert = Command(c, """
                    INSERT INTO collection_tags (collection_id, key, value) SELECT @c, k, v FROM unnest(@k::text[], @v::text[]) AS t(k, v)
                    ON CONFLICT (collection_id, key) DO UPDATE SET value = excluded.value;
                    """, tx, ("c", collectionId), ("k", set.Keys.ToArray()), ("v", set.Values.ToArray()));
                upsert.ExecuteNonQuery();
            }
            using (var delete = Command(c, "DELETE FROM collection_tags WHERE collection_id = @c AND key = ANY(@k);", tx, ("c", collectionId), ("k", remove.ToArray())))
                delete.ExecuteNonQuery();
            AppendAudited(c, tx, audit, Ids(set.Keys.Concat(remove)), collectionId);
        }, new Violation(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist"));
}
