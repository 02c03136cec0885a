using System.Diagnostics;
using System.Globalization;

namespace Sightline.Benchmarks.Live;

/// <summary>
/// Generated camera scenes for tests and benchmarks: a still, grainy yard (1280×720, 10 fps, H.264 with a keyframe
/// every second) that a person (cut from one of the model pack's sample photos) walks into from the left at 3 s,
/// stands in the middle from 6 s to 9 s and leaves to the right by 11 s; the clip lasts 14 s.
/// </summary>
public static class SceneClip
{
    public const double Seconds = 14;

    /// <summary>When the person is in the frame: from entering to having left.</summary>
    public static (double From, double To) PersonVisible => (3, 11);

    public static async Task<string> PersonWalksThroughAsync(string photo, string path, CancellationToken ct)
    {
        string x = "if(lt(t,3),-1000,if(lt(t,6),-262+(t-3)*254,if(lt(t,9),500,if(lt(t,11),500+(t-9)*450,2000))))";
        string seconds = Seconds.ToString(CultureInfo.InvariantCulture);
        return await MakeAsync(path, ct,
            "-f", "lavfi", "-i", $"color=c=0x667766:s=1280x720:d={seconds}:r=10,noise=alls=20:allf=u",
            "-loop", "1", "-t", seconds, "-r", "10", "-i", photo,
            "-filter_complex", $"[1]crop=600:1280:150:0,scale=-2:560[p];[0][p]overlay=x='{x}':y=120",
            "-t", seconds).ConfigureAwait(false);
    }

    /// <summary>
    /// A still, grainy street (1280×720, 10 fps, 6 s) where, at 1 s, a vehicle (<paramref name="vehicle"/>, an image
    /// placed at <paramref name="x"/>, <paramref name="y"/>) pulls up at once and stays.
    /// </summary>
    public static async Task<string> VehicleStopsAsync(string vehicle, int x, int y, string path, CancellationToken ct) =>
        await MakeAsync(path, ct,
            "-f", "lavfi", "-i", "color=c=0x556655:s=1280x720:d=6:r=10,noise=alls=20:allf=u",
            "-loop", "1", "-t", "6", "-r", "10", "-i", vehicle,
            "-filter_complex", FormattableString.Invariant($"[0][1]overlay=x={x}:y={y}:enable='gte(t,1)'"),
            "-t", "6").ConfigureAwait(false);

    /// <summary>Runs ffmpeg with <paramref name="inputsAndFilters"/> into an H.264 clip at <paramref name="path"/> (kept: made once per machine).</summary>
    private static async Task<string> MakeAsync(string path, CancellationToken ct, params string[] inputsAndFilters)
    {
        if (File.Exists(path))
            return path;
        var psi = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        string temp = path + ".part.mp4";
        foreach (var a in new[] { "-nostdin", "-v", "error", "-y" }.Concat(inputsAndFilters).Concat(["-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p", temp]))
            psi.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(psi)!;
        var errors = ffmpeg.StandardError.ReadToEndAsync(ct);
        await ffmpeg.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await ffmpeg.WaitForExitAsync(ct).ConfigureAwait(false);
        if (ffmpeg.ExitCode != 0)
            throw new InvalidOperationException("ffmpeg could not make the scene: " + await errors.ConfigureAwait(false));
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
