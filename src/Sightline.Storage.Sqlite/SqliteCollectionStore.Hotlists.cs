namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IHotlistStore
{
    public IReadOnlyList<HotlistEntry> ListHotlistEntries(string? list, DateTimeOffset? now)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT list, plate, reason, expires_at, added_by, added_at FROM hotlist_entries WHERE ($list IS NULL OR list = $list) AND ($now IS NULL OR expires_at IS NULL OR expires_at > $now) ORDER BY list, plate;", null,
            ("$list", list), ("$now", now?.ToUnixTimeMilliseconds()));
        using var r = cmd.ExecuteReader();
        var entries = new List<HotlistEntry>();
        while (r.Read())
            entries.Add(new HotlistEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : FromUnixMs(r.GetInt64(3)), r.GetString(4), FromUnixMs(r.GetInt64(5))));
        return entries;
    }

    public HotlistEntry PutHotlistEntry(AuditEntry audit, HotlistEntry entry)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var cmd = Command(connection, "INSERT INTO hotlist_entries (list, plate, reason, expires_at, added_by, added_at) VALUES ($l, $p, $r, $e, $b, $t) ON CONFLICT (list, plate) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, added_by = excluded.added_by, added_at = excluded.added_at;", tx,
            ("$l", entry.List), ("$p", entry.Plate), ("$r", entry.Reason), ("$e", entry.ExpiresAt?.ToUnixTimeMilliseconds()), ("$b", entry.AddedBy), ("$t", entry.AddedAt.ToUnixTimeMilliseconds())))
            cmd.ExecuteNonQuery();
        CommitAudited(connection, tx, audit, Ids([entry.List, entry.Plate, entry.Reason, entry.ExpiresAt?.ToString("O") ?? "no expiry"]));
        return entry;
    }

    public bool RemoveHotlistEntry(AuditEntry audit, string list, string plate)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, "DELETE FROM hotlist_entries WHERE list = $l AND plate = $p;", tx, ("$l", list), ("$p", plate));
        if (cmd.ExecuteNonQuery() == 0)
            return false;
        CommitAudited(connection, tx, audit, Ids([list, plate]));
        return true;
    }
}
