using Microsoft.Extensions.Logging;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>
/// Watches one camera until cancelled: ffmpeg sessions one after another with paced backoff
/// (doubling from <see cref="LiveOptions.FirstBackoff"/> to <see cref="LiveOptions.MaxBackoff"/>, back to the first
/// after a minute of streaming), the analysis of every frame kept, and the camera's status written to the store
/// every <see cref="LiveOptions.StatusInterval"/>. A camera that cannot connect shows 'error' with the reason and
/// keeps retrying; nothing it does touches another camera.
/// </summary>
public sealed partial class CameraWorker(CameraRecord camera, string sourceUrl, LiveOptions options, ICameraStore store, IFrameAnalyzer analyzer,
    TimeProvider time, ILogger logger, CameraCounters counters)
{
    public CameraRecord Camera => camera;

    /// <summary>The source URL with its credentials, for the camera's live video.</summary>
    internal string SourceUrl => sourceUrl;

    public CameraCounters Counters => counters;

    /// <summary>Its latest frame and tracks, for live views (the analysis keeps it current).</summary>
    public LivePicture Picture { get; init; } = new();

    public async Task RunAsync(CancellationToken ct)
    {
        using var stopStatus = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var status = StatusLoopAsync(stopStatus.Token);
        try
        {
            await SuperviseAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await stopStatus.CancelAsync().ConfigureAwait(false);
            await status.ConfigureAwait(false);
            await analyzer.StoppedAsync(time.GetUtcNow()).ConfigureAwait(false);
            analyzer.Dispose();
            Picture.Dispose();
        }
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        if (sourceUrl.Length == 0)
        {
            // Nothing to retry until the camera changes (a change restarts the worker).
            Counters.Set(CameraStates.Error, $"the stored credentials do not open with this data directory's camera key ({CameraSecrets.KeyFileName}); give the URL again");
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }
        var backoff = options.FirstBackoff;
        while (!ct.IsCancellationRequested)
        {
            long started = time.GetTimestamp();
            SessionResult result;
            try
            {
                result = await CameraSession.RunAsync(camera, sourceUrl, options, Counters, analyzer, time, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAnalysisFailed(logger, camera.Name, ex);
                result = new SessionResult(0, "the analysis failed: " + ex.Message);
            }
            if (ct.IsCancellationRequested)
                return;
            analyzer.StreamLost(time.GetUtcNow());
            Counters.Restarted();
            if (result.Frames > 0 && time.GetElapsedTime(started) >= TimeSpan.FromMinutes(1))
                backoff = options.FirstBackoff;
            // Lost after streaming: 'reconnecting' while the last frame is recent; a source that has not given a frame
            // for three stall timeouts (or never) is in 'error'.
            bool recent = Counters.LastFrameAt is { } last && time.GetUtcNow() - last < 3 * options.StallTimeout;
            Counters.Set(recent ? CameraStates.Reconnecting : CameraStates.Error, result.Reason);
            LogSessionEnded(logger, camera.Name, result.Frames, result.Reason, backoff.TotalSeconds);
            try
            {
                await Task.Delay(backoff, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
        }
    }

    private async Task StatusLoopAsync(CancellationToken ct)
    {
        long lastReceived = 0, lastAt = time.GetTimestamp();
        using var timer = new PeriodicTimer(options.StatusInterval, time);
        do
        {
            long received = Counters.Received, now = time.GetTimestamp();
            double seconds = time.GetElapsedTime(lastAt, now).TotalSeconds;
            double fps = seconds > 0 ? (received - lastReceived) / seconds : 0;
            (lastReceived, lastAt) = (received, now);
            var size = Counters.Size;
            var status = new CameraStatus(camera.Name, Counters.State, Counters.Reason, Math.Round(fps, 2), received, Counters.Analysed, Counters.Dropped, Counters.WithMotion,
                Counters.Restarts, size?.Width, size?.Height, Counters.LastFrameAt, time.GetUtcNow(), options.Node);
            try
            {
                await store.SetCameraStatusAsync(status, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStatusFailed(logger, camera.Name, ex); // the store is briefly unavailable; the next tick tries again
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (await WaitAsync(timer, ct).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "camera {Camera}: stream ended after {Frames} frames ({Reason}); retrying in {Seconds} s")]
    private static partial void LogSessionEnded(ILogger logger, string camera, long frames, string reason, double seconds);

    [LoggerMessage(EventId = 61, Level = LogLevel.Error, Message = "camera {Camera}: the analysis failed")]
    private static partial void LogAnalysisFailed(ILogger logger, string camera, Exception exception);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "camera {Camera}: its status could not be written")]
    private static partial void LogStatusFailed(ILogger logger, string camera, Exception exception);
}
