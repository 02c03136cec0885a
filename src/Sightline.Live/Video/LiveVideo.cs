using Microsoft.Extensions.Logging;

namespace Sightline.Live.Video;

/// <summary>
/// The live video of the cameras this server runs, started when the first viewer asks and stopped
/// <see cref="Linger"/> after the last one leaves (a page reload does not restart it), or when the camera stops or
/// changes source. Limits: <see cref="MaxFeeds"/> cameras watched at once, of which <see cref="MaxEncoded"/> need
/// encoding, and <see cref="MaxViewers"/> viewers a camera.
/// </summary>
public sealed partial class LiveVideo(LiveCameras cameras, ILoggerFactory loggers) : IAsyncDisposable
{
    public const int MaxFeeds = 16;

    public const int MaxEncoded = 2;

    public const int MaxViewers = 16;

    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(15);

    /// <summary>How long a viewer waits for the first segment before the request fails.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Dictionary<string, Running> _feeds = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<LiveVideo>();

    private sealed record Running(LiveVideoFeed Feed, string SourceUrl, CancellationTokenSource Stop, Task Task);

    /// <summary>Joins (starting if need be) the camera's live video.</summary>
    public async Task<LiveVideoViewer> WatchAsync(string camera, CancellationToken ct)
    {
        var feed = Start(camera, viewer: true);
        try
        {
            return await feed.JoinAsync(StartTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            throw NotStarted(camera, ex);
        }
    }

    /// <summary>The camera's live video for an HLS player (starting it if need be), once its init segment is known; the feed counts as watched.</summary>
    public async Task<LiveVideoFeed> HlsAsync(string camera, CancellationToken ct)
    {
        var feed = Start(camera, viewer: false);
        feed.Touch();
        try
        {
            await feed.WaitReadyAsync(StartTimeout, ct).ConfigureAwait(false);
            return feed;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            throw NotStarted(camera, ex);
        }
    }

    private static SightlineException NotStarted(string camera, Exception ex) => ex is TimeoutException
        ? new SightlineException(ErrorKind.ResourceInUse, $"The live video of camera '{camera}' did not start within {StartTimeout.TotalSeconds:0} s; its snapshots still show.")
        : new SightlineException(ErrorKind.ResourceInUse, $"The live video of camera '{camera}' could not start ({ex.Message}); its snapshots still show.");

    private LiveVideoFeed Start(string camera, bool viewer)
    {
        var source = cameras.VideoSource(camera)
            ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Camera '{camera}' is not streaming on this server; its live video starts when it does.");
        lock (_feeds)
        {
            if (_feeds.TryGetValue(camera, out var running) && (running.Task.IsCompleted || running.SourceUrl != source.SourceUrl))
            {
                running.Stop.Cancel();
                _feeds.Remove(camera);
                running = null;
            }
            if (running is null)
            {
                bool encodes = !LiveVideoCommand.Copies(source.Codec);
                if (_feeds.Count >= MaxFeeds)
                    throw new SightlineException(ErrorKind.Throttling, $"{MaxFeeds} cameras' live video is being watched already; close one first.");
                if (encodes && _feeds.Values.Count(f => f.Feed.Encodes) >= MaxEncoded)
                    throw new SightlineException(ErrorKind.Throttling,
                        $"Camera '{camera}' sends {source.Codec ?? "an unknown codec"}, which must be encoded for browsers, and {MaxEncoded} such cameras are being watched already; its snapshots still show.");
                var created = new LiveVideoFeed(camera, _logger) { Encodes = encodes };
                var stop = new CancellationTokenSource();
                var command = LiveVideoCommand.Command(source.SourceUrl, source.Settings, source.Codec);
                running = new Running(created, source.SourceUrl, stop, Task.Run(() => created.RunAsync(command, stop.Token), CancellationToken.None));
                _feeds[camera] = running;
                LogStarted(_logger, camera, encodes ? "encoding to H.264" : "copying H.264");
            }
            if (viewer && running.Feed.Viewers >= MaxViewers)
                throw new SightlineException(ErrorKind.Throttling, $"Camera '{camera}' has {MaxViewers} live video viewers already.");
            return running.Feed;
        }
    }

    /// <summary>Stops what nobody watches, what ended, and what belongs to cameras no longer running, every few seconds.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(3));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                Sweep();
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Cameras whose live video runs now.</summary>
    public IReadOnlyList<string> Watched
    {
        get
        {
            lock (_feeds)
                return [.. _feeds.Keys];
        }
    }

    private void Sweep()
    {
        lock (_feeds)
        {
            foreach (var (camera, running) in _feeds.ToList())
            {
                bool gone = cameras.VideoSource(camera) is not { } source || source.SourceUrl != running.SourceUrl;
                if (gone || running.Task.IsCompleted || running.Feed.Unwatched > Linger)
                {
                    running.Stop.Cancel();
                    _feeds.Remove(camera);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Running[] all;
        lock (_feeds)
        {
            all = [.. _feeds.Values];
            _feeds.Clear();
        }
        foreach (var r in all)
            await r.Stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(all.Select(r => r.Task)).ConfigureAwait(false);
        foreach (var r in all)
            r.Stop.Dispose();
    }

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "camera {Camera}: live video started ({Mode})")]
    private static partial void LogStarted(ILogger logger, string camera, string mode);
}
