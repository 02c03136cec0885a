using Microsoft.Extensions.Logging;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>
/// Keeps one <see cref="CameraWorker"/> running per enabled camera in the store: reads the list every
/// <see cref="LiveOptions.SyncInterval"/>, starts workers for new cameras, restarts those whose settings changed and
/// stops those removed or disabled. Cameras past <see cref="LiveOptions.MaxCameras"/> are reported as errors. In a
/// cluster, <paramref name="placement"/> says which cameras are this node's.
/// </summary>
public sealed partial class LiveCameras(ICameraStore store, CameraSecrets secrets, LiveServices live, LiveOptions options, TimeProvider time, ILoggerFactory loggers,
    ICameraPlacement? placement = null)
{
    private readonly ICameraPlacement _placement = placement ?? AllCamerasHere.Instance;
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<LiveCameras>();

    private sealed record Running(CameraWorker Worker, CancellationTokenSource Stop, Task Task);

    /// <summary>The live view of a camera this server is running; null when it runs no such camera.</summary>
    public LivePicture? Picture(string camera)
    {
        lock (_running)
            return _running.TryGetValue(camera, out var r) ? r.Worker.Picture : null;
    }

    /// <summary>What the live video of a camera this server runs reads: its source (credentials included), settings and codec; null when it runs no such camera or it has not streamed yet.</summary>
    public (string SourceUrl, CameraSettings Settings, string? Codec)? VideoSource(string camera)
    {
        lock (_running)
        {
            if (!_running.TryGetValue(camera, out var r) || r.Worker.SourceUrl.Length == 0 || r.Worker.Counters.Size is null)
                return null;
            return (r.Worker.SourceUrl, r.Worker.Camera.Settings, r.Worker.Counters.SourceCodec);
        }
    }

    /// <summary>The workers running now (for metrics and tests).</summary>
    public IReadOnlyList<CameraWorker> Workers
    {
        get
        {
            lock (_running)
                return [.. _running.Values.Select(r => r.Worker)];
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.SyncInterval, time);
        try
        {
            do
            {
                try
                {
                    await SyncAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSyncFailed(_logger, ex); // the store is briefly unavailable: running cameras go on
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            await StopAllAsync().ConfigureAwait(false);
        }
    }

    public async Task SyncAsync(CancellationToken ct)
    {
        var enabled = (await store.ListCamerasAsync(ct).ConfigureAwait(false)).Where(c => c.Settings.Enabled).ToList();
        var runningNow = Snapshot().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var mine = await _placement.PlaceAsync([.. enabled.Select(c => c.Name)], runningNow, ct).ConfigureAwait(false);
        var cameras = enabled.Where(c => mine.Contains(c.Name)).ToList();
        var wanted = cameras.Take(options.MaxCameras).ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var (name, running) in Snapshot())
        {
            if (!wanted.TryGetValue(name, out var camera) || camera.UpdatedAt != running.Worker.Camera.UpdatedAt)
                await StopAsync(name, running).ConfigureAwait(false);
        }
        foreach (var camera in wanted.Values)
        {
            bool present;
            lock (_running)
                present = _running.ContainsKey(camera.Name);
            if (!present)
                await StartAsync(camera, ct).ConfigureAwait(false);
        }
        foreach (var over in cameras.Skip(options.MaxCameras))
        {
            await store.SetCameraStatusAsync(new CameraStatus(over.Name, CameraStates.Error, $"over this server's limit of {options.MaxCameras} cameras", 0, 0, 0, 0, 0, 0, null, null, null,
                time.GetUtcNow(), options.Node), ct).ConfigureAwait(false);
        }
    }

    private KeyValuePair<string, Running>[] Snapshot()
    {
        lock (_running)
            return [.. _running];
    }

    private async Task StartAsync(CameraRecord camera, CancellationToken ct)
    {
        await CloseLeftOpenAsync(camera.Name, ct).ConfigureAwait(false);
        var logger = loggers.CreateLogger("Sightline.Live.Camera");
        string url;
        try
        {
            url = CameraDefinitions.SourceUrl(camera.Name, camera.Settings, secrets);
        }
        catch (SightlineException ex)
        {
            // A sealed value this data directory cannot open: shown as the camera's error, retried at the next change.
            url = "";
            LogCannotOpen(_logger, camera.Name, ex.Message);
        }
        var counters = new CameraCounters();
        var picture = new LivePicture();
        var worker = new CameraWorker(camera, url, options, store, new CameraAnalysis(camera, counters, live, options, logger, picture), time, logger, counters) { Picture = picture };
        var stop = new CancellationTokenSource();
        var task = Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None);
        lock (_running)
            _running[camera.Name] = new Running(worker, stop, task);
        LogStarted(_logger, camera.Name);
    }

    private async Task StopAsync(string name, Running running)
    {
        await running.Stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWorkerFailed(_logger, name, ex);
        }
        running.Stop.Dispose();
        lock (_running)
            _running.Remove(name);
        LogStopped(_logger, name);
    }

    /// <summary>
    /// Events of a camera that a killed server (this one before a restart, or a node that died) left open (no end
    /// recorded) end at their last update before the camera starts here: a track never outlives its worker, so a
    /// restarted camera starts new events.
    /// </summary>
    private async Task CloseLeftOpenAsync(string camera, CancellationToken ct)
    {
        try
        {
            var open = (await live.Events.ListEventsAsync(new EventQuery(Camera: camera, Limit: Events.EventView.MaxLimit), ct).ConfigureAwait(false)).Where(e => e.EndTime is null).ToList();
            foreach (var e in open)
                await live.Events.UpdateEventAsync(e with { EndTime = e.UpdatedAt }, ct).ConfigureAwait(false);
            if (open.Count > 0)
                LogClosedLeftOpen(_logger, camera, open.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSyncFailed(_logger, ex);
        }
    }

    private async Task StopAllAsync()
    {
        foreach (var (name, running) in Snapshot())
            await StopAsync(name, running).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 63, Level = LogLevel.Information, Message = "camera {Camera}: watching")]
    private static partial void LogStarted(ILogger logger, string camera);

    [LoggerMessage(EventId = 64, Level = LogLevel.Information, Message = "camera {Camera}: stopped")]
    private static partial void LogStopped(ILogger logger, string camera);

    [LoggerMessage(EventId = 65, Level = LogLevel.Error, Message = "reading the camera list failed; running cameras go on")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 66, Level = LogLevel.Error, Message = "camera {Camera}: its worker failed")]
    private static partial void LogWorkerFailed(ILogger logger, string camera, Exception exception);

    [LoggerMessage(EventId = 67, Level = LogLevel.Error, Message = "camera {Camera}: {Reason}")]
    private static partial void LogCannotOpen(ILogger logger, string camera, string reason);

    [LoggerMessage(EventId = 68, Level = LogLevel.Information, Message = "camera {Camera}: ended {Count} events left open by a server that stopped without ending them")]
    private static partial void LogClosedLeftOpen(ILogger logger, string camera, int count);
}
