using System.Diagnostics;
using System.Globalization;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>
/// The ffmpeg command that turns a camera's source into raw BGR frames at the detect size and rate on stdout
/// (Frigate's recipe: RTSP over TCP by default, a 10 s socket timeout, +genpts+discardcorrupt, wall-clock
/// timestamps; files are played at their own rate in a loop).
/// </summary>
public static class CameraSource
{
    /// <summary>Socket and read timeout, microseconds (10 s).</summary>
    private const string IoTimeout = "10000000";

    public static ProcessStartInfo Command(string sourceUrl, CameraSettings settings, LiveOptions options)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, UseShellExecute = false };
        var args = psi.ArgumentList;
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info" })
            args.Add(a);
        AddInput(args, sourceUrl, settings);
        string fps = settings.Fps.ToString("0.###", CultureInfo.InvariantCulture);
        string scale = settings.Width is { } w && settings.Height is { } h
            ? FormattableString.Invariant($"scale={w}:{h}")
            : FormattableString.Invariant($"scale='min({options.DefaultDetectWidth},iw)':-2");
        // Frames past the rate are dropped, never duplicated: a burst after a network stall is not analysed twice
        // (the fps filter would fill the gap with copies).
        Add(args, "-fps_mode", "vfr", "-r", fps, "-vf", scale, "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1");
        return psi;
    }

    /// <summary>The input half of a camera's ffmpeg command (transport, timeouts, timestamps, the first video stream only).</summary>
    internal static void AddInput(System.Collections.ObjectModel.Collection<string> args, string sourceUrl, CameraSettings settings)
    {
        var uri = new Uri(settings.Url);
        switch (uri.Scheme)
        {
            case "rtsp" or "rtsps":
                Add(args, "-rtsp_transport", settings.RtspTransport, "-timeout", IoTimeout);
                break;
            case "http" or "https":
                Add(args, "-rw_timeout", IoTimeout);
                break;
            case "file":
                // A file keeps its own timestamps: wall-clock ones would stall the looped read.
                Add(args, "-re", "-stream_loop", "-1");
                break;
        }
        if (!uri.IsFile)
            Add(args, "-fflags", "+genpts+discardcorrupt", "-use_wallclock_as_timestamps", "1");
        Add(args, "-i", uri.IsFile ? uri.LocalPath : sourceUrl, "-map", "0:v:0", "-an", "-sn", "-dn");
    }

    internal static void Add(System.Collections.ObjectModel.Collection<string> args, params string[] values)
    {
        foreach (var v in values)
            args.Add(v);
    }
}
