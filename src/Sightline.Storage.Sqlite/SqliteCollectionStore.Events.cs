using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IEventStore
{
    private const string EventColumns = "id, camera, label, score, top_score, box_left, box_top, box_width, box_height, zones, start_time, end_time, has_snapshot, has_clip, stationary, updated_at";

    public async Task AddEventAsync(LiveEventRecord e, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, $"INSERT INTO live_events ({EventColumns}) VALUES ($id, $camera, $label, $score, $top, $l, $t, $w, $h, $zones, $start, $end, $snap, $clip, $still, $updated);",
            cancellationToken, EventParameters(e)).ConfigureAwait(false);
    }

    public async Task UpdateEventAsync(LiveEventRecord e, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, """
            UPDATE live_events SET score = $score, top_score = $top, box_left = $l, box_top = $t, box_width = $w, box_height = $h, zones = $zones,
                end_time = $end, has_snapshot = $snap, has_clip = $clip, stationary = $still, updated_at = $updated
            WHERE id = $id;
            """, cancellationToken, EventParameters(e)).ConfigureAwait(false);
    }

    public async Task<LiveEventRecord?> GetEventAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {EventColumns} FROM live_events WHERE id = $id;", ReadEvent, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<LiveEventRecord>> ListEventsAsync(EventQuery q, CancellationToken cancellationToken) =>
        await QueryAsync($"""
            SELECT {EventColumns} FROM live_events
            WHERE ($camera IS NULL OR camera = $camera) AND ($label IS NULL OR label = $label COLLATE NOCASE) AND ($since IS NULL OR start_time >= $since)
            ORDER BY start_time DESC, id DESC LIMIT $limit;
            """, ReadEvent, cancellationToken, ("$camera", q.Camera), ("$label", q.Label), ("$since", q.Since?.ToUnixTimeMilliseconds()), ("$limit", q.Limit)).ConfigureAwait(false);

    private static (string, object?)[] EventParameters(LiveEventRecord e) =>
    [
        ("$id", e.Id), ("$camera", e.Camera), ("$label", e.Label), ("$score", e.Score), ("$top", e.TopScore), ("$l", e.Box.Left), ("$t", e.Box.Top), ("$w", e.Box.Width),
        ("$h", e.Box.Height), ("$zones", JsonSerializer.Serialize(e.Zones.ToArray(), CameraJson.Default.StringArray)), ("$start", e.StartTime.ToUnixTimeMilliseconds()),
        ("$end", e.EndTime?.ToUnixTimeMilliseconds()), ("$snap", e.HasSnapshot), ("$clip", e.HasClip), ("$still", e.Stationary), ("$updated", e.UpdatedAt.ToUnixTimeMilliseconds()),
    ];

    private static LiveEventRecord ReadEvent(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFloat(3), r.GetFloat(4), new NormalBox(r.GetFloat(5), r.GetFloat(6), r.GetFloat(7), r.GetFloat(8)),
            JsonSerializer.Deserialize(r.GetString(9), CameraJson.Default.StringArray) ?? [], FromUnixMs(r.GetInt64(10)), r.IsDBNull(11) ? null : FromUnixMs(r.GetInt64(11)),
            r.GetBoolean(12), r.GetBoolean(13), r.GetBoolean(14), FromUnixMs(r.GetInt64(15)));
}
