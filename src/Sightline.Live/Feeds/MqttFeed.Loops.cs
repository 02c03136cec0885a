using Microsoft.Extensions.Logging;
using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Live.Feeds;

public sealed partial class MqttFeed
{
    /// <summary>Hub messages → outbox, as they come. Never waits on the broker.</summary>
    private async Task ProduceEventsAsync(EventHub.Subscription subscription, CancellationToken ct)
    {
        var state = new MqttEventState(_topics, _options.EventsQos);
        await foreach (var message in subscription.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            var change = state.Apply(message);
            foreach (var m in change.Messages)
                Enqueue(m);
            if (change.Snapshot is { } view && await ReadSnapshotAsync(view.Id, ct).ConfigureAwait(false) is { } jpeg)
                Enqueue(state.SnapshotMessage(view, jpeg));
        }
    }

    /// <summary>Camera states → outbox, read every <see cref="MqttOptions.StatusInterval"/>.</summary>
    private async Task ProduceStatusesAsync(CancellationToken ct)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(_options.StatusInterval);
        do
            await PublishStatusesAsync(known, ct).ConfigureAwait(false);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    private async Task<byte[]?> ReadSnapshotAsync(string id, CancellationToken ct)
    {
        try
        {
            if (await _files.TryGetLocalAsync(EventRecorder.SnapshotKey(id), ct).ConfigureAwait(false) is not { } path)
                return null;
            var file = new FileInfo(path);
            return file.Exists && file.Length <= _options.MaxSnapshotBytes ? await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false) : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Each camera's state, retained, when it changes; a camera removed has its retained state cleared.</summary>
    private async Task PublishStatusesAsync(Dictionary<string, string> known, CancellationToken ct)
    {
        IReadOnlyList<CameraView> views;
        try
        {
            views = await _cameras.ListAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStatusFailed(_logger, ex.Message);
            return;
        }
        foreach (var view in views)
        {
            if (known.TryGetValue(view.Name, out string? state) && state == view.State)
                continue;
            known[view.Name] = view.State;
            Enqueue(MqttMessage.Text(_topics.Status(view.Name), view.State, true, _options.EventsQos));
        }
        foreach (string gone in known.Keys.Where(name => !views.Any(v => v.Name == name)).ToList())
        {
            known.Remove(gone);
            _retained.TryRemove(_topics.Status(gone), out _);
            Enqueue(new MqttMessage(_topics.Status(gone), ReadOnlyMemory<byte>.Empty, true, _options.EventsQos));
        }
    }

    /// <summary>Outbox → broker, (re)connecting with doubling waits; a message that failed is sent again first.</summary>
    private async Task SendAsync(IMqttTransport transport, MqttMessage online, CancellationToken ct)
    {
        TimeSpan backoff = _options.FirstBackoff;
        bool everConnected = false, failing = false;
        MqttMessage? pending = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!transport.IsConnected)
                {
                    await transport.ConnectAsync(ct).ConfigureAwait(false);
                    await transport.PublishAsync(online, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _published);
                    if (everConnected)
                    {
                        // The broker may have restarted without its retained messages: give them back.
                        foreach (var retained in _retained.Values)
                        {
                            await transport.PublishAsync(retained, ct).ConfigureAwait(false);
                            Interlocked.Increment(ref _published);
                        }
                    }
                    LogConnected(_logger, transport.Target);
                    everConnected = true;
                    failing = false;
                    backoff = _options.FirstBackoff;
                }
                pending ??= await _outbox.Reader.ReadAsync(ct).ConfigureAwait(false);
                if (!transport.IsConnected)
                    continue;
                await transport.PublishAsync(pending, ct).ConfigureAwait(false);
                pending = null;
                Interlocked.Increment(ref _published);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (!failing)
                    LogUnavailable(_logger, transport.Target, ex.Message, backoff.TotalSeconds);
                failing = true;
                await Task.Delay(backoff, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Information, Message = "MQTT: publishing to the {Target}")]
    private static partial void LogConnected(ILogger logger, string target);

    [LoggerMessage(EventId = 91, Level = LogLevel.Warning, Message = "MQTT: the {Target} is unavailable ({Reason}); trying again from {Seconds} s, messages are held meanwhile and the oldest dropped past the buffer")]
    private static partial void LogUnavailable(ILogger logger, string target, string reason, double seconds);

    [LoggerMessage(EventId = 92, Level = LogLevel.Warning, Message = "MQTT: camera states could not be read ({Reason})")]
    private static partial void LogStatusFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 93, Level = LogLevel.Warning, Message = "MQTT: the {Target} was not closed cleanly ({Reason})")]
    private static partial void LogCloseFailed(ILogger logger, string target, string reason);
}
