namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<IReadOnlyDictionary<string, string>> GetTagsAsync(string collectionId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT key, value FROM collection_tags WHERE collection_id = @c ORDER BY key;", r => (Key: r.GetString(0), Value: r.GetString(1)), cancellationToken,
            ("c", collectionId)).ConfigureAwait(false)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    public Task UpdateTagsAsync(AuditEntry audit, string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            // Concurrent tag changes of one collection queue on its row.
            if (await ScalarAsync(c, tx, "SELECT 1 FROM collections WHERE id = @c FOR UPDATE;", cancellationToken, ("c", collectionId)).ConfigureAwait(false) is null)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
            if (set.Count > 0)
            {
                await ExecAsync(c, tx, """
                    INSERT INTO collection_tags (collection_id, key, value) SELECT @c, k, v FROM unnest(@k::text[], @v::text[]) AS t(k, v)
                    ON CONFLICT (collection_id, key) DO UPDATE SET value = excluded.value;
                    """, cancellationToken, ("c", collectionId), ("k", set.Keys.ToArray()), ("v", set.Values.ToArray())).ConfigureAwait(false);
            }
            await ExecAsync(c, tx, "DELETE FROM collection_tags WHERE collection_id = @c AND key = ANY(@k);", cancellationToken, ("c", collectionId), ("k", remove.ToArray())).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, Ids(set.Keys.Concat(remove)), collectionId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist"));
}
