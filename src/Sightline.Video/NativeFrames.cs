using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenCvSharp;

namespace Sightline.Video;

/// <summary>One decoded frame: its index in the video, and BGR pixels that belong to the reader (reused after the next frame).</summary>
public sealed class RawFrame(long index, Mat bgr, byte[] pixels, int length)
{
    public long Index { get; } = index;

    /// <summary>A view over <see cref="Pixels"/>: drawing on it changes the frame.</summary>
    public Mat Bgr { get; } = bgr;

    public ReadOnlyMemory<byte> Pixels { get; } = pixels.AsMemory(0, length);
}

/// <summary>
/// Decodes every frame of a video at its own rate (no frame dropped or repeated, whatever the container's timing) with
/// ffmpeg, as BGR on a pipe. A few frames are decoded ahead of the consumer into a small ring of pooled buffers, so
/// decoding runs beside the work on the frame before. Stopping the enumeration kills ffmpeg. Unlike
/// <see cref="VideoFrames"/> (each frame an image the consumer owns), a frame here is a view over a reused buffer whose
/// bytes can be passed on as they are (to an encoder's pipe): no copy and no allocation per frame.
/// </summary>
public static class NativeFrames
{
    /// <summary>Frames decoded ahead of the one being worked on (a 1080p frame is 6 MB).</summary>
    public const int ReadAhead = 3;

    /// <summary>
    /// Each frame in order. A frame (its <see cref="RawFrame.Bgr"/> and <see cref="RawFrame.Pixels"/>) is valid until
    /// the next one is asked for; copy what must outlive it.
    /// </summary>
    public static async IAsyncEnumerable<RawFrame> ReadAsync(string path, VideoInfo info, [EnumeratorCancellation] CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-i", path, "-map", "0:v:0", "-an", "-sn", "-dn", "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new SightlineException(ErrorKind.Internal, "ffmpeg could not be started; install it (scripts/setup.sh does).");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        int frameBytes = checked(info.Width * info.Height * 3);
        int slots = ReadAhead + 1;
        var free = Channel.CreateBounded<byte[]>(slots);
        var filled = Channel.CreateBounded<byte[]>(slots);
        var rented = new List<byte[]>(slots);
        for (int i = 0; i < slots; i++)
        {
            rented.Add(ArrayPool<byte>.Shared.Rent(frameBytes));
            free.Writer.TryWrite(rented[i]);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = ProduceAsync(process.StandardOutput.BaseStream, frameBytes, free.Reader, filled.Writer, stop.Token);
        try
        {
            long index = 0;
            await foreach (byte[] buffer in filled.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                using (var mat = Mat.FromPixelData(info.Height, info.Width, MatType.CV_8UC3, buffer))
                    yield return new RawFrame(index++, mat, buffer, frameBytes);
                free.Writer.TryWrite(buffer);
            }
            await producer.ConfigureAwait(false);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new SightlineException(ErrorKind.InvalidImageFormat, $"The video could not be decoded: {FirstLine(await errors.ConfigureAwait(false))}");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // the consumer stopped early or ffmpeg was killed: nothing more is read
            }
            foreach (byte[] buffer in rented)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ProduceAsync(Stream stdout, int frameBytes, ChannelReader<byte[]> free, ChannelWriter<byte[]> filled, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                byte[] buffer = await free.ReadAsync(ct).ConfigureAwait(false);
                int read = await stdout.ReadAtLeastAsync(buffer.AsMemory(0, frameBytes), frameBytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (read < frameBytes)
                    break; // the end (a partial frame at the end is not a frame)
                await filled.WriteAsync(buffer, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            filled.TryComplete();
        }
    }

    public static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "unknown error";
}
