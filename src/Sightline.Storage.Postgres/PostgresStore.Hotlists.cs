namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    public IReadOnlyList<HotlistEntry> ListHotlistEntries(string? list, DateTimeOffset? now) =>
        Query("SELECT list, plate, reason, expires_at, added_by, added_at FROM hotlist_entries WHERE (@list::text IS NULL OR list = @list) AND (@now::bigint IS NULL OR expires_at IS NULL OR expires_at > @now) ORDER BY list, plate;",
            r => new HotlistEntry(r.GetString(0), r.GetString(1), r.GetString(2), Time(r, 3), r.GetString(4), FromUnixMs(r.GetInt64(5))),
            ("list", list), ("now", Ms(now)));

    public HotlistEntry PutHotlistEntry(AuditEntry audit, HotlistEntry entry)
    {
        Write((c, tx) =>
        {
            using (var cmd = Command(c, "INSERT INTO hotlist_entries (list, plate, reason, expires_at, added_by, added_at) VALUES (@l, @p, @r, @e, @b, @t) ON CONFLICT (list, plate) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, added_by = excluded.added_by, added_at = excluded.added_at;", tx,
                ("l", entry.List), ("p", entry.Plate), ("r", entry.Reason), ("e", Ms(entry.ExpiresAt)), ("b", entry.AddedBy), ("t", Ms(entry.AddedAt))))
                cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, Ids([entry.List, entry.Plate, entry.Reason, entry.ExpiresAt?.ToString("O") ?? "no expiry"]));
        });
        return entry;
    }

    public bool RemoveHotlistEntry(AuditEntry audit, string list, string plate) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, "DELETE FROM hotlist_entries WHERE list = @l AND plate = @p;", tx, ("l", list), ("p", plate));
            if (cmd.ExecuteNonQuery() == 0)
                return false;
            AppendAudited(c, tx, audit, Ids([list, plate]));
            return true;
        });
}
