using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IEventStore
{
    private const string EventColumns = "id, camera, label, score, top_score, box_left, box_top, box_width, box_height, zones, start_time, end_time, has_snapshot, has_clip, stationary, updated_at, case_id, plate";
    private const string SelectColumns = EventColumns + ", " + EventActions.HandlingSql;

    public async Task AddEventAsync(LiveEventRecord e, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, $"INSERT INTO live_events ({EventColumns}) VALUES ($id, $camera, $label, $score, $top, $l, $t, $w, $h, $zones, $start, $end, $snap, $clip, $still, $updated, $case, $plate);",
            cancellationToken, EventParameters(e)).ConfigureAwait(false);
    }

    public async Task UpdateEventAsync(LiveEventRecord e, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, """
            UPDATE live_events SET score = $score, top_score = $top, box_left = $l, box_top = $t, box_width = $w, box_height = $h, zones = $zones,
                end_time = $end, has_snapshot = $snap, has_clip = has_clip OR $clip, stationary = $still, updated_at = $updated
            WHERE id = $id;
            """, cancellationToken, EventParameters(e)).ConfigureAwait(false);
    }

    public async Task<LiveEventRecord?> GetEventAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {SelectColumns} FROM live_events WHERE id = $id;", ReadEvent, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<LiveEventRecord>> ListEventsAsync(EventQuery q, CancellationToken cancellationToken) =>
        await QueryAsync($"""
            SELECT {SelectColumns} FROM live_events
            WHERE ($camera IS NULL OR camera = $camera) AND ($label IS NULL OR label = $label COLLATE NOCASE) AND ($since IS NULL OR start_time >= $since)
                AND ($handling IS NULL OR {EventActions.HandlingSql} = $handling) AND ($plate IS NULL OR plate = $plate)
            ORDER BY start_time DESC, id DESC LIMIT $limit;
            """, ReadEvent, cancellationToken, ("$camera", q.Camera), ("$label", q.Label), ("$since", q.Since?.ToUnixTimeMilliseconds()), ("$limit", q.Limit),
            ("$handling", q.Handling), ("$plate", q.Plate)).ConfigureAwait(false);

    private static (string, object?)[] EventParameters(LiveEventRecord e) =>
    [
        ("$id", e.Id), ("$camera", e.Camera), ("$label", e.Label), ("$score", e.Score), ("$top", e.TopScore), ("$l", e.Box.Left), ("$t", e.Box.Top), ("$w", e.Box.Width),
        ("$h", e.Box.Height), ("$zones", JsonSerializer.Serialize(e.Zones.ToArray(), CameraJson.Default.StringArray)), ("$start", e.StartTime.ToUnixTimeMilliseconds()),
        ("$end", e.EndTime?.ToUnixTimeMilliseconds()), ("$snap", e.HasSnapshot), ("$clip", e.HasClip), ("$still", e.Stationary), ("$updated", e.UpdatedAt.ToUnixTimeMilliseconds()),
        ("$case", e.Case), ("$plate", e.Plate),
    ];

    private static LiveEventRecord ReadEvent(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFloat(3), r.GetFloat(4), new NormalBox(r.GetFloat(5), r.GetFloat(6), r.GetFloat(7), r.GetFloat(8)),
            JsonSerializer.Deserialize(r.GetString(9), CameraJson.Default.StringArray) ?? [], FromUnixMs(r.GetInt64(10)), r.IsDBNull(11) ? null : FromUnixMs(r.GetInt64(11)),
            r.GetBoolean(12), r.GetBoolean(13), r.GetBoolean(14), FromUnixMs(r.GetInt64(15))) { Case = r.IsDBNull(16) ? null : r.GetString(16), Plate = r.IsDBNull(17) ? null : r.GetString(17), Handling = r.GetString(18) };

    /// <summary>An event filed under a case that has a legal hold.</summary>
    private const string HeldEvent = "case_id IS NOT NULL AND case_id IN (SELECT case_id FROM legal_holds)";

    public async Task SetEventClipAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, "UPDATE live_events SET has_clip = 1 WHERE id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false);
    }

    public async Task<LiveEventRecord?> SetEventCaseAsync(AuditEntry audit, string id, string? caseId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "UPDATE live_events SET case_id = $case WHERE id = $id;", cancellationToken, ("$id", id), ("$case", caseId)).ConfigureAwait(false) == 0)
            return null;
        LiveEventRecord stored;
        await using (var cmd = Command(connection, $"SELECT {SelectColumns} FROM live_events WHERE id = $id;", tx, ("$id", id)))
            stored = (await ReadAllAsync(cmd, ReadEvent, cancellationToken).ConfigureAwait(false)).Single();
        await CommitAuditedAsync(connection, tx, audit, EventAudit.Case(id, caseId), null, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task<EventSweep> SweepEventsAsync(AuditEntry audit, string? camera, DateTimeOffset cutoff, int batch, CancellationToken cancellationToken)
    {
        string scope = camera is null ? "camera NOT IN (SELECT name FROM cameras)" : "camera = $camera";
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        List<string> deleted;
        await using (var cmd = Command(connection, $"DELETE FROM live_events WHERE id IN (SELECT id FROM live_events WHERE {scope} AND start_time < $t AND NOT ({HeldEvent}) ORDER BY start_time, id LIMIT $n) RETURNING id;", tx,
            ("$camera", camera), ("$t", cutoff.ToUnixTimeMilliseconds()), ("$n", batch)))
            deleted = await ReadAllAsync(cmd, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        int held = Convert.ToInt32(await ScalarAsync(connection, tx, $"SELECT COUNT(*) FROM live_events WHERE {scope} AND start_time < $t AND {HeldEvent};", cancellationToken,
            ("$camera", camera), ("$t", cutoff.ToUnixTimeMilliseconds())).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        var sweep = new EventSweep(camera, [.. deleted.Order(StringComparer.Ordinal)], held);
        if (deleted.Count == 0)
            return sweep; // rolled back: nothing deleted, nothing to record
        await ExecAsync(connection, tx, "DELETE FROM event_actions WHERE event_id IN (SELECT value FROM json_each($ids));", cancellationToken,
            ("$ids", JsonSerializer.Serialize(deleted.ToArray(), CameraJson.Default.StringArray))).ConfigureAwait(false);
        await CommitAuditedAsync(connection, tx, audit, EventAudit.Sweep(sweep), null, cancellationToken).ConfigureAwait(false);
        return sweep;
    }

    public async Task<IReadOnlySet<string>> ExistingEventsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(500))
        {
            string json = JsonSerializer.Serialize(chunk, CameraJson.Default.StringArray);
            await using var cmd = Command(connection, "SELECT id FROM live_events WHERE id IN (SELECT value FROM json_each($ids));", null, ("$ids", json));
            found.UnionWith(await ReadAllAsync(cmd, r => r.GetString(0), cancellationToken).ConfigureAwait(false));
        }
        return found;
    }

    public async Task<bool> AddEventActionAsync(AuditEntry audit, EventAction action, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, """
            INSERT INTO event_actions (event_id, action, actor, at, note) SELECT $id, $action, $actor, $at, $note WHERE EXISTS (SELECT 1 FROM live_events WHERE id = $id);
            """, cancellationToken, ("$id", action.EventId), ("$action", action.Action), ("$actor", action.Actor), ("$at", action.At.ToUnixTimeMilliseconds()),
            ("$note", action.Note)).ConfigureAwait(false) == 0)
            return false;
        await CommitAuditedAsync(connection, tx, audit, EventAudit.Action(action), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<EventAction>> ListEventActionsAsync(string eventId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT event_id, action, actor, at, note FROM event_actions WHERE event_id = $id ORDER BY seq;",
            r => new EventAction(r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3)), r.IsDBNull(4) ? null : r.GetString(4)), cancellationToken,
            ("$id", eventId)).ConfigureAwait(false);
}
