using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;
using Sightline.Video;

namespace Sightline.StoredVideo.Redaction;

public sealed partial class VideoRedactor
{
    /// <summary>
    /// The source frame shown at <paramref name="seconds"/> as a JPEG, with every planned box of that frame outlined and
    /// numbered (red: covered; green: kept), for a person to check the plan before the export.
    /// </summary>
    public async Task<byte[]> PreviewAsync(string sourcePath, RedactionPlan plan, double seconds, IReadOnlyList<int> keep, CancellationToken ct)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
            throw SightlineException.InvalidParameter($"The time must be 0 or more seconds, got {seconds}.");
        var source = plan.Source;
        int index = (int)Math.Clamp(Math.Floor(seconds * source.Fps + 1e-6), 0, source.Frames - 1);
        // Seeking to a quarter frame before the frame's own time lands on it whatever the rounding of its timestamp.
        double at = Math.Max(0, (index - 0.25) / source.Fps);
        using var frame = await DecodeOneAsync(sourcePath, source.Width, source.Height, at, ct).ConfigureAwait(false);
        var kept = keep.ToHashSet();
        foreach (var track in plan.Tracks)
        {
            if (track.At(index) is { } box)
                Cover.Outline(frame, track, box, kept.Contains(track.Index));
        }
        string caption = string.Create(CultureInfo.InvariantCulture, $"frame {index} / {source.Frames}  {index / source.Fps:F2} s");
        Cv2.PutText(frame, caption, new Point(8, source.Height - 10), HersheyFonts.HersheySimplex, Math.Max(0.5, source.Height / 900.0), Scalar.Yellow, 2, LineTypes.AntiAlias);
        return frame.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }

    private static async Task<Mat> DecodeOneAsync(string path, int width, int height, double seconds, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-ss", seconds.ToString("R", CultureInfo.InvariantCulture), "-i", path, "-map", "0:v:0", "-frames:v", "1",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new SightlineException(ErrorKind.Internal, "ffmpeg could not be started; install it (scripts/setup.sh does).");
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var mat = new Mat(height, width, MatType.CV_8UC3);
        try
        {
            int bytes = checked(width * height * 3);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bytes);
            try
            {
                int read = await process.StandardOutput.BaseStream.ReadAtLeastAsync(buffer.AsMemory(0, bytes), bytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
                if (read < bytes)
                    throw new SightlineException(ErrorKind.InvalidImageFormat, $"The frame could not be decoded: {NativeFrames.FirstLine(await errors.ConfigureAwait(false))}");
                System.Runtime.InteropServices.Marshal.Copy(buffer, 0, mat.Data, bytes);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            return mat;
        }
        catch
        {
            mat.Dispose();
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
