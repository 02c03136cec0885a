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
    DateTimeOffset UpdatedAt)
{
    /// <summary>The case the event is filed under; a legal hold on that case keeps it past retention.</summary>
    public string? Case { get; init; }

    /// <summary>For a hotlist hit (label <c>hotlist:LIST</c>): the plate as read. No other plate read is ever stored.</summary>
    public string? Plate { get; init; }

    /// <summary>How people have handled it: new, acknowledged or escalated (the latest of those actions; notes do not change it).</summary>
    public string Handling { get; init; } = EventActions.New;
}

/// <summary>What a person did about an event — acknowledged it, escalated it, or added a note — who, when, and the note.</summary>
public sealed record EventAction(string EventId, string Action, string Actor, DateTimeOffset At, string? Note);

public static class EventActions
{
    public const string Acknowledge = "acknowledge";
    public const string Escalate = "escalate";
    public const string Note = "note";
    public const int MaxNoteLength = 2000;

    /// <summary>The handling of an event no one has acknowledged or escalated.</summary>
    public const string New = "new";

    public static IReadOnlyList<string> All { get; } = [Acknowledge, Escalate, Note];

    /// <summary>The handling an action leaves the event in (a note leaves it as it was).</summary>
    public static string? HandlingAfter(string action) => action switch
    {
        Acknowledge => "acknowledged",
        Escalate => "escalated",
        _ => null,
    };

    /// <summary>The handling states to filter by.</summary>
    public static IReadOnlyList<string> Handlings { get; } = [New, "acknowledged", "escalated"];

    /// <summary>SQL (both providers) for an event's handling, from its latest acknowledge or escalate.</summary>
    public const string HandlingSql =
        "COALESCE((SELECT CASE a.action WHEN 'acknowledge' THEN 'acknowledged' ELSE 'escalated' END FROM event_actions a "
        + "WHERE a.event_id = live_events.id AND a.action <> 'note' ORDER BY a.seq DESC LIMIT 1), 'new')";
}

/// <summary>Which events to list: newest first, all filters optional.</summary>
public sealed record EventQuery(string? Camera = null, string? Label = null, DateTimeOffset? Since = null, int Limit = 100)
{
    /// <summary>Only events in this handling state (new, acknowledged, escalated).</summary>
    public string? Handling { get; init; }

    /// <summary>Only hotlist hits with this plate as read (normalised: A–Z, 0–9).</summary>
    public string? Plate { get; init; }
}

/// <summary>What one retention pass deleted of a camera's events (or, with no camera, of the events of removed cameras).</summary>
public sealed record EventSweep(string? Camera, IReadOnlyList<string> Deleted, int Held);

/// <summary>
/// Live events. Recording them is the system's own bookkeeping, not audited; filing one under a case and deleting
/// them by retention are, in the write's transaction.
/// </summary>
public interface IEventStore
{
    Task AddEventAsync(LiveEventRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the event's changing fields (score, box, zones, end, snapshot, stationary); a clip once recorded stays
    /// (the clip may be finished while the event is still being updated). The case is left as it is.
    /// </summary>
    Task UpdateEventAsync(LiveEventRecord record, CancellationToken cancellationToken);

    /// <summary>Records that the event's clip is in place; ignored when the event is gone.</summary>
    Task SetEventClipAsync(string id, CancellationToken cancellationToken);

    /// <summary>Files the event under <paramref name="caseId"/> (null: under none), audited; null (nothing recorded) when there is no such event.</summary>
    Task<LiveEventRecord?> SetEventCaseAsync(AuditEntry audit, string id, string? caseId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes, in one audited transaction, up to <paramref name="batch"/> events of <paramref name="camera"/> (null:
    /// of cameras that no longer exist) that started before <paramref name="cutoff"/>, oldest first, sparing those
    /// filed under a case with a legal hold. A pass that deletes nothing records nothing.
    /// </summary>
    Task<EventSweep> SweepEventsAsync(AuditEntry audit, string? camera, DateTimeOffset cutoff, int batch, CancellationToken cancellationToken);

    /// <summary>Which of the given ids are stored events.</summary>
    Task<IReadOnlySet<string>> ExistingEventsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    Task<LiveEventRecord?> GetEventAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records what a person did about an event, audited in its transaction; false (nothing written) when there is no such event.</summary>
    Task<bool> AddEventActionAsync(AuditEntry audit, EventAction action, CancellationToken cancellationToken);

    /// <summary>An event's actions, oldest first.</summary>
    Task<IReadOnlyList<EventAction>> ListEventActionsAsync(string eventId, CancellationToken cancellationToken);

    Task<IReadOnlyList<LiveEventRecord>> ListEventsAsync(EventQuery query, CancellationToken cancellationToken);
}

/// <summary>The audit details of a retention pass over events: the camera (none: removed cameras), the deleted ids, and how many a hold spared.</summary>
public sealed record EventSweepDetails(string? Camera, string[] DeletedEvents, int HeldEvents);

/// <summary>What both providers write about events in the audit chain.</summary>
public static class EventAudit
{
    public static string Case(string id, string? caseId) =>
        System.Text.Json.JsonSerializer.Serialize(caseId is null ? [id] : new[] { id, caseId }, CameraJson.Default.StringArray);

    /// <summary>An action's audit details: the event, the action and the note (the actor and time are the record's own).</summary>
    public static string Action(EventAction action) =>
        System.Text.Json.JsonSerializer.Serialize(action.Note is null ? [action.EventId, action.Action] : new[] { action.EventId, action.Action, action.Note }, CameraJson.Default.StringArray);

    public static string Sweep(EventSweep sweep) =>
        System.Text.Json.JsonSerializer.Serialize(new EventSweepDetails(sweep.Camera, [.. sweep.Deleted], sweep.Held), CameraJson.Default.EventSweepDetails);
}
