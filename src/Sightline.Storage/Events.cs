namespace Sightline.Storage;

/// <summary>
/// A tracked object of a watched label on a camera, once it was confirmed: what it was, how sure, where it went and
/// when; the snapshot and clip are files beside the database (<c>&lt;data&gt;/events/ID.jpg</c>, <c>ID.mp4</c>).
/// </summary>
public sealed record LiveEventRecord(
    string Id,
    string Camera,
    string Label,
    float Score,
    float TopScore,
    NormalBox Box,
    IReadOnlyList<string> Zones,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    bool HasSnapshot,
    bool HasClip,
    bool Stationary,
    DateTimeOffset UpdatedAt);

/// <summary>Which events to list: newest first, all filters optional.</summary>
public sealed record EventQuery(string? Camera = null, string? Label = null, DateTimeOffset? Since = null, int Limit = 100);

/// <summary>Live events. Recording them is the system's own bookkeeping, not audited (what is done with them is).</summary>
public interface IEventStore
{
    Task AddEventAsync(LiveEventRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the event's changing fields (score, box, zones, end, snapshot, clip, stationary).</summary>
    Task UpdateEventAsync(LiveEventRecord record, CancellationToken cancellationToken);

    Task<LiveEventRecord?> GetEventAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<LiveEventRecord>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken);
}
