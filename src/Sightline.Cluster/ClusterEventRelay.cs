using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sightline.Hosting;
using Sightline.Live.Events;
using Sightline.Storage.Postgres;

namespace Sightline.Cluster;

/// <summary>
/// Carries live event messages between the nodes of a cluster so that the event stream (SSE) of any node shows every
/// camera's events. Each node sends the messages of its own cameras on one PostgreSQL notification channel per cluster
/// and listens on it with one dedicated connection; a message from another node is published on this node's hub as
/// relayed, which only the SSE streams receive (MQTT, webhooks and stream processors act on local cameras only, so
/// nothing leaves the cluster twice). Relaying is best effort, as the stream is: a message sent while a node's listener
/// is reconnecting is not seen there (the event itself is in the shared database).
/// </summary>
public sealed partial class ClusterEventRelay(EventHub hub, PostgresChannel channel, SightlineOptions options, ILogger<ClusterEventRelay> logger) : BackgroundService
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_lastRetry = TimeSpan.FromSeconds(30);

    private long _sent;
    private long _received;
    private long _dropped;
    private volatile bool _listening;

    /// <summary>The channel name of a cluster's event messages: clusters sharing one database do not hear each other.</summary>
    public static string ChannelName(string clusterId) => $"sightline.events.{clusterId}";

    /// <summary>Messages of this node's cameras sent to the other nodes.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages of other nodes' cameras received and published here.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages not relayed: too big for a notification, unreadable, or lost while the database was unreachable.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True while the listening connection is up.</summary>
    public bool Listening => _listening;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed before the first await: no local message is missed once the host has started this service.
        var subscription = hub.Subscribe(); // local messages only: a relayed one is never sent on again
        return Task.WhenAll(SendAsync(subscription, stoppingToken), ListenAsync(stoppingToken));
    }

    private async Task SendAsync(EventHub.Subscription subscription, CancellationToken ct)
    {
        using var _ = subscription;
        bool failing = false;
        long overflowed = 0;
        try
        {
            try
            {
                await channel.OpenSenderAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSendFailed(logger, ex); // the first message tries again
                failing = true;
            }
            await foreach (var message in subscription.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Interlocked.Add(ref _dropped, subscription.Dropped - overflowed); // lost in the queue while the database was slow
                overflowed = subscription.Dropped;
                string payload = JsonSerializer.Serialize(new RelayedEvent(options.Node, message.Type, message.FrameTime, message.Event), RelayJson.Default.RelayedEvent);
                if (Encoding.UTF8.GetByteCount(payload) > PostgresChannel.MaxPayloadBytes)
                {
                    Interlocked.Increment(ref _dropped);
                    LogTooBig(logger, message.Type, message.Event.Id, Encoding.UTF8.GetByteCount(payload));
                    continue;
                }
                try
                {
                    await channel.NotifyAsync(payload, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _sent);
                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _dropped);
                    if (!failing)
                        LogSendFailed(logger, ex); // once per outage, not once per message
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var retry = s_firstRetry;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await channel.ListenAsync(Receive, () =>
                {
                    _listening = true;
                    retry = s_firstRetry;
                    LogListening(logger, channel.Name);
                }, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _listening = false;
                LogListenFailed(logger, retry.TotalSeconds, ex);
                try
                {
                    await Task.Delay(retry, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, s_lastRetry.Ticks));
            }
        }
    }

    /// <summary>One notification, on the listening connection's thread: parsed and published without blocking.</summary>
    private void Receive(string payload)
    {
        RelayedEvent? relayed;
        try
        {
            relayed = JsonSerializer.Deserialize(payload, RelayJson.Default.RelayedEvent);
        }
        catch (JsonException ex)
        {
            Interlocked.Increment(ref _dropped);
            LogUnreadable(logger, ex);
            return;
        }
        if (relayed is not { Node: { } node, Type: { } type, Event: { } e } || node == options.Node)
            return; // this node's own message, already published here
        hub.PublishRelayed(new LiveEventMessage(type, e, relayed.FrameTime));
        Interlocked.Increment(ref _received);
    }

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "relaying live events on channel {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "listening for other nodes' live events failed; trying again in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, double seconds, Exception exception);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "sending live events to the other nodes failed; their event streams miss this node's events until it works again")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "the {Type} message of event {Event} is too big to relay ({Bytes} bytes); other nodes' event streams miss it")]
    private static partial void LogTooBig(ILogger logger, string type, string @event, int bytes);

    [LoggerMessage(EventId = 407, Level = LogLevel.Warning, Message = "a relayed live event could not be read; dropped")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}

/// <summary>An event message as it travels between nodes: the node whose camera it belongs to, and the message.</summary>
internal sealed record RelayedEvent(string Node, string Type, DateTimeOffset FrameTime, LiveEventView Event);

/// <summary>The relay's JSON, generated at build time: the first message is not held up by reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RelayedEvent))]
internal sealed partial class RelayJson : JsonSerializerContext;
