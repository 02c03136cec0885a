using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using OpenCvSharp;
using Sightline.Imaging;

namespace Sightline.Video;

/// <summary>
/// Decodes a video into BGR frames at <see cref="VideoLimits.SampleFps"/> with ffmpeg (one process per video, raw
/// frames on a pipe), each with its timestamp in milliseconds. Killing the enumeration kills ffmpeg.
/// </summary>
public static class VideoFrames
{
    public static async IAsyncEnumerable<(long TimestampMillis, DecodedImage Frame)> ReadAsync(string path, VideoInfo info, VideoLimits limits,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-i", path, "-an", "-vf", FormattableString.Invariant($"fps={limits.SampleFps}"),
            "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new SightlineException(ErrorKind.Internal, "ffmpeg could not be started; install it (scripts/setup.sh does).");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        int frameBytes = checked(info.Width * info.Height * 3);
        var buffer = ArrayPool<byte>.Shared.Rent(frameBytes);
        var stream = process.StandardOutput.BaseStream;
        try
        {
            for (long index = 0; ; index++)
            {
                int read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, frameBytes), frameBytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (read < frameBytes)
                    break;
                var mat = new Mat(info.Height, info.Width, MatType.CV_8UC3);
                System.Runtime.InteropServices.Marshal.Copy(buffer, 0, mat.Data, frameBytes);
                yield return ((long)Math.Round(index * 1000 / limits.SampleFps), DecodedImage.FromBgr(mat));
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
