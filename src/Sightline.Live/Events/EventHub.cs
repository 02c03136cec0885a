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
/// In a cluster, messages of cameras running on other nodes arrive relayed (<see cref="PublishRelayed"/>) and go only
/// to subscribers that asked for them: MQTT, webhooks and stream processors act on this node's cameras alone, so each
/// message leaves the cluster once, from the node that runs its camera.
/// </summary>
public sealed class EventHub
{
    public const int SubscriberCapacity = 1024;
    private readonly Lock _gate = new();
    private Subscription[] _subscribers = [];

    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    /// <summary>A new subscriber; with <paramref name="includeRelayed"/> it also receives other nodes' messages.</summary>
    public Subscription Subscribe(bool includeRelayed = false)
    {
        var subscription = new Subscription(this, includeRelayed);
        lock (_gate)
            _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    /// <summary>A message of a camera running on this node: to every subscriber.</summary>
    public void Publish(LiveEventMessage message)
    {
        foreach (var s in Volatile.Read(ref _subscribers))
            s.Offer(message);
    }

    /// <summary>A message of a camera running on another node of the cluster: to the subscribers that include relayed messages.</summary>
    public void PublishRelayed(LiveEventMessage message)
    {
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            if (s.IncludesRelayed)
                s.Offer(message);
        }
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

        internal Subscription(EventHub hub, bool includeRelayed)
        {
            _hub = hub;
            IncludesRelayed = includeRelayed;
            _channel = Channel.CreateBounded<LiveEventMessage>(new BoundedChannelOptions(SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _dropped));
        }

        public ChannelReader<LiveEventMessage> Reader => _channel.Reader;

        /// <summary>True when this subscriber also receives messages relayed from other nodes.</summary>
        public bool IncludesRelayed { get; }

        public long Dropped => Interlocked.Read(ref _dropped);

        internal void Offer(LiveEventMessage message) => _channel.Writer.TryWrite(message);

        public void Dispose()
        {
            _hub.Remove(this);
            _channel.Writer.TryComplete();
        }
    }
}
