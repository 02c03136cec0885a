using System.Threading.Channels;
using Sightline.Storage;

namespace Sightline.Live.Events;

/// <summary>An event as the feeds carry it (Frigate's fields, camelCase): box as relative [x1, y1, x2, y2].</summary>
public sealed record LiveEventView(
    string Id,
    string Camera,
    string Label,
    float Score,
    float TopScore,
    IReadOnlyList<float> Box,
    IReadOnlyList<string> CurrentZones,
    IReadOnlyList<string> EnteredZones,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    bool HasSnapshot,
    bool HasClip,
    bool Stationary)
{
    /// <summary>In a zone with a loitering time, having stayed there that long (live messages only; the stored event keeps the zones entered).</summary>
    public bool Loitering { get; init; }

    /// <summary>A hotlist hit: the plate as read (reads that hit no list are never kept or sent).</summary>
    public string? Plate { get; init; }

    public static LiveEventView From(LiveEventRecord e, IReadOnlyList<string> currentZones, bool loitering = false) =>
        new(e.Id, e.Camera, e.Label, e.Score, e.TopScore, [e.Box.Left, e.Box.Top, e.Box.Left + e.Box.Width, e.Box.Top + e.Box.Height], currentZones, e.Zones,
            e.StartTime, e.EndTime, e.HasSnapshot, e.HasClip, e.Stationary) { Loitering = loitering, Plate = e.Plate };
}

/// <summary>One change of an event: new, update or end, and the time of the frame that caused it (for latency).</summary>
public sealed record LiveEventMessage(string Type, LiveEventView Event, DateTimeOffset FrameTime);

/// <summary>
/// Fans each event message out to every subscriber (the SSE streams, MQTT, webhooks). Each subscriber has its own
/// bounded queue: a slow one loses its oldest messages (counted), never holding up a camera or another subscriber.
/// </summary>
public sealed class EventHub
{
    public const int SubscriberCapacity = 1024;
    private readonly Lock _gate = new();
    private Subscription[] _subscribers = [];

    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    public Subscription Subscribe()
    {
        var subscription = new Subscription(this);
        lock (_gate)
            _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    public void Publish(LiveEventMessage message)
    {
        foreach (var s in Volatile.Read(ref _subscribers))
            s.Offer(message);
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
            _subscribers = [.. _subscribers.Where(s => s != subscription)];
    }

    public sealed class Subscription : IDisposable
    {
        private readonly EventHub _hub;
        private readonly Channel<LiveEventMessage> _channel;
        private long _dropped;

        internal Subscription(EventHub hub)
        {
            _hub = hub;
            _channel = Channel.CreateBounded<LiveEventMessage>(new BoundedChannelOptions(SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _dropped));
        }

        public ChannelReader<LiveEventMessage> Reader => _channel.Reader;

        public long Dropped => Interlocked.Read(ref _dropped);

        internal void Offer(LiveEventMessage message) => _channel.Writer.TryWrite(message);

        public void Dispose()
        {
            _hub.Remove(this);
            _channel.Writer.TryComplete();
        }
    }
}
