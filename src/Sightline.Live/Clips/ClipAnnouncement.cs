using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Live.Clips;

/// <summary>A finished clip marks its event (HasClip) and tells the feeds with an 'update' carrying the event as stored.</summary>
public static class ClipAnnouncement
{
    public static async Task AnnounceAsync(IEventStore store, EventHub hub, string eventId)
    {
        // Recorded even when the camera is stopping: the file is in place.
        await store.SetEventClipAsync(eventId, CancellationToken.None).ConfigureAwait(false);
        if (await store.GetEventAsync(eventId, CancellationToken.None).ConfigureAwait(false) is { } stored)
            hub.Publish(new LiveEventMessage("update", LiveEventView.From(stored, []), DateTimeOffset.UtcNow));
    }
}
