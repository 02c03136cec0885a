namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    public async Task<IReadOnlyDictionary<string, string>> GetTagsAsync(string collectionId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT key, value FROM collection_tags WHERE collection_id = $c ORDER BY key;", r => (Key: r.GetString(0), Value: r.GetString(1)), cancellationToken,
            ("$c", collectionId)).ConfigureAwait(false)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    public async Task UpdateTagsAsync(AuditEntry audit, string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ScalarAsync(connection, tx, "SELECT 1 FROM collections WHERE id = $c;", cancellationToken, ("$c", collectionId)).ConfigureAwait(false) is null)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        foreach (var (key, value) in set)
        {
            await ExecAsync(connection, tx, "INSERT INTO collection_tags (collection_id, key, value) VALUES ($c, $k, $v) ON CONFLICT (collection_id, key) DO UPDATE SET value = excluded.value;", cancellationToken,
                ("$c", collectionId), ("$k", key), ("$v", value)).ConfigureAwait(false);
        }
        foreach (var key in remove)
            await ExecAsync(connection, tx, "DELETE FROM collection_tags WHERE collection_id = $c AND key = $k;", cancellationToken, ("$c", collectionId), ("$k", key)).ConfigureAwait(false);
        await CommitAuditedAsync(connection, tx, audit, Ids(set.Keys.Concat(remove)), collectionId, cancellationToken).ConfigureAwait(false);
    }
}
