using System.Diagnostics;
using System.Runtime.InteropServices;
using OpenCvSharp;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>How one ffmpeg run of a camera ended: frames it delivered and why it stopped (redacted).</summary>
public sealed record SessionResult(long Frames, string Reason);

/// <summary>
/// One ffmpeg run of a camera: starts it, learns the frame size from its log, reads raw frames into the ring while
/// the analysis drains it, and kills ffmpeg when no frame came for <see cref="LiveOptions.StallTimeout"/>, when the
/// source's size is absurd, or when cancelled.
/// </summary>
internal static class CameraSession
{
    public static async Task<SessionResult> RunAsync(CameraRecord camera, string sourceUrl, LiveOptions options, CameraCounters counters, IFrameAnalyzer analyzer,
        TimeProvider time, CancellationToken ct)
    {
        var psi = CameraSource.Command(sourceUrl, camera.Settings, options);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new SessionResult(0, "ffmpeg could not be started; install it (scripts/setup.sh does)");
        }
        using var _ = process;
        var log = new FfmpegLog();
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
                log.Add(line);
            log.Ended();
        }, CancellationToken.None);
        string? killedFor = null;
        void Kill(string reason)
        {
            killedFor ??= reason;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited already
            }
        }
        long lastFrame = time.GetTimestamp();
        await using var onCancel = ct.Register(() => Kill("stopped"));
        using var watchdogStop = new CancellationTokenSource();
        var watchdog = WatchAsync(() => time.GetElapsedTime(Interlocked.Read(ref lastFrame)) > options.StallTimeout,
            () => Kill($"no frame for {options.StallTimeout.TotalSeconds:0} s"), watchdogStop.Token);
        long frames = 0;
        try
        {
            var size = await OutputSizeAsync(log, process).ConfigureAwait(false);
            if (size is not var (width, height))
                return await EndAsync(process, log, stderr, killedFor, 0).ConfigureAwait(false);
            if (log.Source is var (sw, sh) && (sw > options.MaxSourceSide || sh > options.MaxSourceSide || sw < 16 || sh < 16))
            {
                Kill($"absurd resolution {sw}x{sh} (at most {options.MaxSourceSide} on a side)");
                return await EndAsync(process, log, stderr, killedFor, 0).ConfigureAwait(false);
            }
            counters.Size = (width, height);
            counters.SourceCodec = log.SourceCodec;
            int capacity = Math.Max(2, (int)Math.Ceiling(camera.Settings.Fps * options.RingSeconds));
            var ring = new FrameRing(width, height, capacity, () => counters.FramesDropped(1));
            var analysis = Task.Run(() => AnalyseAsync(ring, analyzer, counters, ct), CancellationToken.None);
            try
            {
                var stdout = process.StandardOutput.BaseStream;
                while (true)
                {
                    var buffer = ring.Rent();
                    int read = await stdout.ReadAtLeastAsync(buffer.AsMemory(0, ring.FrameBytes), ring.FrameBytes, throwOnEndOfStream: false, CancellationToken.None).ConfigureAwait(false);
                    if (read < ring.FrameBytes)
                    {
                        ring.Return(buffer);
                        break;
                    }
                    Interlocked.Exchange(ref lastFrame, time.GetTimestamp());
                    var at = time.GetUtcNow();
                    if (frames++ == 0)
                        counters.Set(CameraStates.Streaming, null);
                    counters.FrameReceived(at);
                    ring.Publish(new Frame(buffer, width, height, frames, at));
                }
            }
            finally
            {
                ring.Complete();
                await analysis.ConfigureAwait(false);
            }
            return await EndAsync(process, log, stderr, killedFor, frames).ConfigureAwait(false);
        }
        finally
        {
            await watchdogStop.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
            Kill("stopped");
        }
    }

    /// <summary>The size of the frames ffmpeg writes, or null when it exited (or was killed) before telling it.</summary>
    private static async Task<(int, int)?> OutputSizeAsync(FfmpegLog log, Process process)
    {
        var exited = process.WaitForExitAsync(CancellationToken.None);
        await Task.WhenAny(log.OutputSize, exited).ConfigureAwait(false);
        return log.OutputSize.IsCompletedSuccessfully ? log.OutputSize.Result : null;
    }

    private static async Task<SessionResult> EndAsync(Process process, FfmpegLog log, Task stderr, string? killedFor, long frames)
    {
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                await stderr.WaitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        return new SessionResult(frames, killedFor ?? log.Reason(process.HasExited ? process.ExitCode : null));
    }

    private static async Task WatchAsync(Func<bool> stalled, Action kill, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                if (stalled())
                {
                    kill();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the session ended first
        }
    }

    private static async Task AnalyseAsync(FrameRing ring, IFrameAnalyzer analyzer, CameraCounters counters, CancellationToken ct)
    {
        await foreach (var frame in ring.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                if (ct.IsCancellationRequested)
                    continue;
                using var bgr = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, Marshal.UnsafeAddrOfPinnedArrayElement(frame.Buffer, 0));
                await analyzer.AnalyzeAsync(frame, bgr, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // stopping
            }
            finally
            {
                ring.Return(frame.Buffer);
            }
        }
    }
}
