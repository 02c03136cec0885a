namespace Sightline.Storage;

/// <summary>A plate on a named hotlist: why it is there, until when, and who put it there.</summary>
public sealed record HotlistEntry(string List, string Plate, string Reason, DateTimeOffset? ExpiresAt, string AddedBy, DateTimeOffset AddedAt);

/// <summary>Named lists of plates; every addition and removal is audited in its transaction.</summary>
public interface IHotlistStore
{
    /// <summary>Entries of one list or all, optionally only those not expired at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<HotlistEntry>> ListHotlistEntriesAsync(string? list, DateTimeOffset? now, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an entry.</summary>
    Task<HotlistEntry> PutHotlistEntryAsync(AuditEntry audit, HotlistEntry entry, CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when there was no such entry.</summary>
    Task<bool> RemoveHotlistEntryAsync(AuditEntry audit, string list, string plate, CancellationToken cancellationToken);
}
