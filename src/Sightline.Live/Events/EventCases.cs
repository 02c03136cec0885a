using Sightline.Storage;

namespace Sightline.Live.Events;

/// <summary>Filing an event under a case: checked here, stored (and audited) by the event store.</summary>
public static class EventCases
{
    /// <summary>As a legal hold's case number.</summary>
    public const int MaxCase = 128;

    /// <summary>
    /// Files event <paramref name="id"/> under <paramref name="caseId"/> (null: under none) and returns it as stored;
    /// InvalidParameter for a bad case number, ResourceNotFound when there is no such event. The audit record names
    /// the case.
    /// </summary>
    public static async Task<EventView> FileAsync(IEventStore store, AuditEntry audit, string id, string? caseId, CancellationToken cancellationToken)
    {
        if (caseId is not null && (caseId.Length is 0 or > MaxCase || caseId.Any(char.IsControl) || string.IsNullOrWhiteSpace(caseId)))
            throw SightlineException.InvalidParameter($"A case number must be 1 to {MaxCase} printable characters (null files the event under none).");
        var stored = await store.SetEventCaseAsync(audit with { Case = caseId ?? audit.Case }, id, caseId, cancellationToken).ConfigureAwait(false)
            ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No event '{id}'.");
        return EventView.From(stored);
    }
}
