namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<IReadOnlyList<HotlistEntry>> ListHotlistEntriesAsync(string? list, DateTimeOffset? now, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT list, plate, reason, expires_at, added_by, added_at FROM hotlist_entries WHERE (@list::text IS NULL OR list = @list) AND (@now::bigint IS NULL OR expires_at IS NULL OR expires_at > @now) ORDER BY list, plate;",
            r => new HotlistEntry(r.GetString(0), r.GetString(1), r.GetString(2), Time(r, 3), r.GetString(4), FromUnixMs(r.GetInt64(5))), cancellationToken,
            ("list", list), ("now", Ms(now))).ConfigureAwait(false);

    public async Task<HotlistEntry> PutHotlistEntryAsync(AuditEntry audit, HotlistEntry entry, CancellationToken cancellationToken)
    {
        await WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "INSERT INTO hotlist_entries (list, plate, reason, expires_at, added_by, added_at) VALUES (@l, @p, @r, @e, @b, @t) ON CONFLICT (list, plate) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, added_by = excluded.added_by, added_at = excluded.added_at;", cancellationToken,
                ("l", entry.List), ("p", entry.Plate), ("r", entry.Reason), ("e", Ms(entry.ExpiresAt)), ("b", entry.AddedBy), ("t", Ms(entry.AddedAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, Ids([entry.List, entry.Plate, entry.Reason, entry.ExpiresAt?.ToString("O") ?? "no expiry"]), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public Task<bool> RemoveHotlistEntryAsync(AuditEntry audit, string list, string plate, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "DELETE FROM hotlist_entries WHERE list = @l AND plate = @p;", cancellationToken, ("l", list), ("p", plate)).ConfigureAwait(false) == 0)
                return false;
            await AppendAuditedAsync(c, tx, audit, Ids([list, plate]), null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
}
