using System.Diagnostics;
using System.Globalization;
using Sightline.Storage;

namespace Sightline.Live.Video;

/// <summary>
/// The ffmpeg command of a camera's live video: fragmented MP4 on stdout, a fragment at every keyframe and at least
/// every 250 ms (so a player is never more than a fragment behind). An H.264 source is copied as it is — no decoding,
/// a few percent of a core; anything else (MJPEG, HEVC) is encoded to H.264 Constrained Baseline at most
/// <see cref="MaxEncodedWidth"/> wide and <see cref="MaxEncodedFps"/> frames a second with a keyframe every second,
/// which costs about a third of a core at 720p.
/// </summary>
public static class LiveVideoCommand
{
    public const int MaxEncodedWidth = 1280;

    public const int MaxEncodedFps = 15;

    /// <summary>Whether a source of this codec (as ffmpeg names it) goes to browsers as it is.</summary>
    public static bool Copies(string? sourceCodec) => sourceCodec == "h264";

    public static ProcessStartInfo Command(string sourceUrl, CameraSettings settings, string? sourceCodec)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = psi.ArgumentList;
        CameraSource.Add(args, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info");
        CameraSource.AddInput(args, sourceUrl, settings);
        if (Copies(sourceCodec))
        {
            CameraSource.Add(args, "-c:v", "copy");
        }
        else
        {
            string gop = MaxEncodedFps.ToString(CultureInfo.InvariantCulture);
            CameraSource.Add(args, "-vf", FormattableString.Invariant($"scale='min({MaxEncodedWidth},iw)':-2,fps={MaxEncodedFps}"),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
                "-g", gop, "-keyint_min", gop, "-threads", "1");
        }
        CameraSource.Add(args, "-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_keyframe", "-frag_duration", "250000", "pipe:1");
        return psi;
    }
}
