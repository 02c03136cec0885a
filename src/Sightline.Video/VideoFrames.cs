using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenCvSharp;
using Sightline.Imaging;

namespace Sightline.Video;

/// <summary>
/// Decodes a video into BGR frames (by default at <see cref="VideoLimits.SampleFps"/>) with ffmpeg (one process per video, raw
/// frames on a pipe), each with its timestamp in milliseconds. Killing the enumeration kills ffmpeg.
/// </summary>
public static class VideoFrames
{
    public static IAsyncEnumerable<(long TimestampMillis, DecodedImage Frame)> ReadAsync(string path, VideoInfo info, VideoLimits limits, CancellationToken ct) =>
        ReadAsync(path, info, new FrameSampling(limits.SampleFps, null), ct);

    /// <summary>Frames decoded ahead of the consumer: ffmpeg decodes the next ones while the last is analysed.</summary>
    public const int ReadAhead = 3;

    /// <summary>
    /// Frames as <paramref name="sampling"/> asks: at its rate (every frame at the video's own rate when null; the
    /// timestamp is then the frame number over that rate) and, when it gives a width, scaled to it. Up to
    /// <see cref="ReadAhead"/> frames are decoded ahead; the consumer disposes each frame it is given.
    /// </summary>
    public static async IAsyncEnumerable<(long TimestampMillis, DecodedImage Frame)> ReadAsync(string path, VideoInfo info, FrameSampling sampling,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var frames = Channel.CreateBounded<(long, DecodedImage)>(new BoundedChannelOptions(ReadAhead) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in DecodeAsync(path, info, sampling, stop.Token).ConfigureAwait(false))
                {
                    try
                    {
                        await frames.Writer.WriteAsync(frame, stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        frame.Item2.Dispose();
                        throw;
                    }
                }
                frames.Writer.TryComplete();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                frames.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var frame in frames.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                yield return frame;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            while (frames.Reader.TryRead(out var left))
                left.Item2.Dispose();
        }
    }

    private static async IAsyncEnumerable<(long TimestampMillis, DecodedImage Frame)> DecodeAsync(string path, VideoInfo info, FrameSampling sampling,
        [EnumeratorCancellation] CancellationToken ct)
    {
        double rate = sampling.Fps ?? (info.FrameRate > 0 ? info.FrameRate : 25);
        var (width, height) = sampling.Size(info);
        var filters = new List<string>();
        if (sampling.Fps is { } fps)
            filters.Add(FormattableString.Invariant($"fps={fps}"));
        if ((width, height) != (info.Width, info.Height))
            filters.Add(FormattableString.Invariant($"scale={width}:{height}:flags=area"));
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-nostdin" })
            psi.ArgumentList.Add(a);
        // Sampling at most every other frame: the decoder skips frames no other frame is decoded from (a third of a
        // 1080p decode's time), so a sample may be the frame before its instant — never more than one frame earlier.
        if (sampling.Fps is { } sparse && info.FrameRate >= 2 * sparse)
        {
            psi.ArgumentList.Add("-skip_frame");
            psi.ArgumentList.Add("noref");
        }
        foreach (var a in new[] { "-i", path, "-an" })
            psi.ArgumentList.Add(a);
        if (filters.Count > 0)
        {
            psi.ArgumentList.Add("-vf");
            psi.ArgumentList.Add(string.Join(',', filters));
        }
        foreach (var a in new[] { "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new SightlineException(ErrorKind.Internal, "ffmpeg could not be started; install it (scripts/setup.sh does).");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        int frameBytes = checked(width * height * 3);
        var buffer = ArrayPool<byte>.Shared.Rent(frameBytes);
        var stream = process.StandardOutput.BaseStream;
        try
        {
            for (long index = 0; ; index++)
            {
                int read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, frameBytes), frameBytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (read < frameBytes)
                    break;
                var mat = new Mat(height, width, MatType.CV_8UC3);
                System.Runtime.InteropServices.Marshal.Copy(buffer, 0, mat.Data, frameBytes);
                yield return ((long)Math.Round(index * 1000 / rate), DecodedImage.FromBgr(mat));
            }
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new SightlineException(ErrorKind.InvalidImageFormat, $"The video could not be decoded: {(await errors.ConfigureAwait(false)).Split('\n')[0]}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}

/// <summary>How densely and how large frames are decoded: <paramref name="Fps"/> null is every frame; <paramref name="Width"/> null is full size.</summary>
public sealed record FrameSampling(double? Fps, int? Width)
{
    /// <summary>The decoded size: the given width (never wider than the video) and the height keeping the aspect, both even.</summary>
    public (int Width, int Height) Size(VideoInfo info)
    {
        if (Width is not { } w || w >= info.Width)
            return (info.Width, info.Height);
        w = Math.Max(2, w & ~1);
        int h = Math.Max(2, (int)Math.Round(info.Height * (double)w / info.Width / 2) * 2);
        return (w, h);
    }
}
