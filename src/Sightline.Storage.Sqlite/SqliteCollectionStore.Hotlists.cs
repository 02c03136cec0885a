namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IHotlistStore
{
    public async Task<IReadOnlyList<HotlistEntry>> ListHotlistEntriesAsync(string? list, DateTimeOffset? now, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT list, plate, reason, expires_at, added_by, added_at FROM hotlist_entries WHERE ($list IS NULL OR list = $list) AND ($now IS NULL OR expires_at IS NULL OR expires_at > $now) ORDER BY list, plate;",
            r => new HotlistEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : FromUnixMs(r.GetInt64(3)), r.GetString(4), FromUnixMs(r.GetInt64(5))), cancellationToken,
            ("$list", list), ("$now", now?.ToUnixTimeMilliseconds())).ConfigureAwait(false);

    public async Task<HotlistEntry> PutHotlistEntryAsync(AuditEntry audit, HotlistEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, tx, "INSERT INTO hotlist_entries (list, plate, reason, expires_at, added_by, added_at) VALUES ($l, $p, $r, $e, $b, $t) ON CONFLICT (list, plate) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, added_by = excluded.added_by, added_at = excluded.added_at;", cancellationToken,
            ("$l", entry.List), ("$p", entry.Plate), ("$r", entry.Reason), ("$e", entry.ExpiresAt?.ToUnixTimeMilliseconds()), ("$b", entry.AddedBy), ("$t", entry.AddedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await CommitAuditedAsync(connection, tx, audit, Ids([entry.List, entry.Plate, entry.Reason, entry.ExpiresAt?.ToString("O") ?? "no expiry"]), null, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task<bool> RemoveHotlistEntryAsync(AuditEntry audit, string list, string plate, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "DELETE FROM hotlist_entries WHERE list = $l AND plate = $p;", cancellationToken, ("$l", list), ("$p", plate)).ConfigureAwait(false) == 0)
            return false;
        await CommitAuditedAsync(connection, tx, audit, Ids([list, plate]), null, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
