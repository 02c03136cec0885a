using Sightline.Storage;

namespace Sightline.Live.Events;

/// <summary>
/// People handling live events: acknowledging (someone has seen it), escalating (it needs more than the operator),
/// and notes. Each is one audited action with who and when; the event's handling is its latest acknowledge or escalate.
/// </summary>
public static class EventHandling
{
    /// <summary>A validated action (the note trimmed; required for a note, at most <see cref="EventActions.MaxNoteLength"/> characters).</summary>
    public static EventAction Action(string eventId, string? action, string? note, string actor, DateTimeOffset at)
    {
        string kind = action?.Trim().ToLowerInvariant() ?? "";
        if (!EventActions.All.Contains(kind))
            throw SightlineException.InvalidParameter($"action must be one of {string.Join(", ", EventActions.All)}; got '{action}'.");
        string? text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (kind == EventActions.Note && text is null)
            throw SightlineException.InvalidParameter("A note needs its text.");
        if (text is not null && (text.Length > EventActions.MaxNoteLength || text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))))
            throw SightlineException.InvalidParameter($"A note is at most {EventActions.MaxNoteLength} printable characters.");
        return new EventAction(eventId, kind, actor, DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()), text);
    }

    /// <summary>The operation an action is audited as: AcknowledgeEvent, EscalateEvent or NoteEvent.</summary>
    public static string Operation(string action) => action switch
    {
        EventActions.Acknowledge => "AcknowledgeEvent",
        EventActions.Escalate => "EscalateEvent",
        _ => "NoteEvent",
    };

    /// <summary>A handling filter from a query (null: all).</summary>
    public static string? Filter(string? handling) =>
        handling is null || handling.Length == 0 ? null
        : EventActions.Handlings.FirstOrDefault(h => string.Equals(h, handling, StringComparison.OrdinalIgnoreCase))
            ?? throw SightlineException.InvalidParameter($"handling must be one of {string.Join(", ", EventActions.Handlings)}; got '{handling}'.");
}
