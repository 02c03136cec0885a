namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    public IReadOnlyDictionary<string, string> GetTags(string collectionId) =>
        Query("SELECT key, value FROM collection_tags WHERE collection_id = @c ORDER BY key;", r => (Key: r.GetString(0), Value: r.GetString(1)), ("c", collectionId))
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    public void UpdateTags(string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, int maxTags) =>
        Write((c, tx) =>
        {
            // Concurrent tag changes of one collection queue on its row, so the limit holds for their sum.
            using (var lockRow = Command(c, "SELECT 1 FROM collections WHERE id = @c FOR UPDATE;", tx, ("c", collectionId)))
                lockRow.ExecuteNonQuery();
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
            using var count = Command(c, "SELECT COUNT(*) FROM collection_tags WHERE collection_id = @c;", tx, ("c", collectionId));
            long n = (long)count.ExecuteScalar()!;
            if (n > maxTags)
                throw SightlineException.InvalidParameter($"A collection holds at most {maxTags} tags; this would leave {n}.");
            AppendAmbient(c, tx, Ids(set.Keys.Concat(remove)), collectionId);
        }, new Violation(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist"));
}
