using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Live.Feeds;

/// <summary>
/// Live events over MQTT: one more subscriber of the <see cref="EventHub"/>. One loop turns _hub messages (and camera
/// states, read every few seconds) into MQTT messages on a bounded outbox; another sends them, connecting (or
/// starting the embedded broker) with backoff. A broker that is slow or away loses the outbox's oldest messages
/// (counted), never holds up a camera or another subscriber; on reconnecting, the retained state is sent again.
/// </summary>
public sealed partial class MqttFeed
{
    private readonly MqttOptions _options;
    private readonly EventHub _hub;
    private readonly CameraDesk _cameras;
    private readonly IFileStore _files;
    private readonly ILogger<MqttFeed> _logger;
    private readonly MqttTopics _topics;
    private readonly Channel<MqttMessage> _outbox;
    private readonly ConcurrentDictionary<string, MqttMessage> _retained = new(StringComparer.Ordinal);
    private IMqttTransport? _transport;
    private EventHub.Subscription? _subscription;
    private long _published, _dropped;

    public MqttFeed(MqttOptions options, EventHub hub, CameraDesk cameras, IFileStore files, ILogger<MqttFeed> logger)
    {
        _options = options;
        _hub = hub;
        _cameras = cameras;
        _files = files;
        _logger = logger;
        _topics = new MqttTopics(options.TopicPrefix);
        _outbox = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.BufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public MqttOptions Options => _options;

    public MqttTopics Topics => _topics;

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Messages lost: the outbox's oldest while the broker was away, and the hub's to this feed when it fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped) + (_subscription?.Dropped ?? 0);

    public bool Connected => _transport?.IsConnected == true;

    public async Task RunAsync(CancellationToken ct)
    {
        if (_options.Mode == MqttMode.Off)
            return;
        string? password = await _options.ReadPasswordAsync(ct).ConfigureAwait(false);
        var online = MqttMessage.Text(_topics.Available, "online", true, _options.EventsQos);
        var offline = MqttMessage.Text(_topics.Available, "offline", true, _options.EventsQos);
        await using var transport = _options.Mode == MqttMode.Embedded
            ? new EmbeddedMqttBroker(_options, password)
            : (IMqttTransport)new MqttClientTransport(MqttBrokerAddress.Parse(_options.Url!), _options.Username, password, offline);
        _transport = transport;
        using var subscription = _hub.Subscribe();
        _subscription = subscription;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var produce = Task.WhenAll(Task.Run(() => ProduceEventsAsync(subscription, stop.Token), CancellationToken.None),
            Task.Run(() => ProduceStatusesAsync(stop.Token), CancellationToken.None));
        try
        {
            await SendAsync(transport, online, ct).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await produce.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                using var farewell = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await transport.CloseAsync(offline, farewell.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogCloseFailed(_logger, transport.Target, ex.Message);
            }
        }
    }

    /// <summary>Publishes a stored-video job's completion to <c>PREFIX/jobs/TOPIC</c> (not retained); false when MQTT is off.</summary>
    public bool PublishJob(string topic, string json)
    {
        if (_options.Mode == MqttMode.Off)
            return false;
        Enqueue(MqttMessage.Text($"{_topics.Prefix}/jobs/{MqttTopics.Segment(topic)}", json, false, _options.EventsQos));
        return true;
    }

    private void Enqueue(MqttMessage message)
    {
        if (message.Retain)
            _retained[message.Topic] = message;
        // A full outbox drops its oldest message to take this one (counted).
        _outbox.Writer.TryWrite(message);
    }
}
