using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Sightline.Video;

/// <summary>What ffprobe says about a video's first video stream.</summary>
public sealed record VideoInfo(string Codec, string Format, long DurationMillis, double FrameRate, int Width, int Height);

/// <summary>Reads a video's metadata with ffprobe and checks it against <see cref="VideoLimits"/>.</summary>
public static class VideoProbe
{
    public static async Task<VideoInfo> ProbeAsync(string path, VideoLimits limits, CancellationToken ct)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
            throw SightlineException.InvalidParameter($"Video file '{path}' does not exist.");
        if (file.Length > limits.MaxBytes)
            throw SightlineException.TooLarge($"The video is {file.Length:N0} bytes; the limit is {limits.MaxBytes:N0}.");
        var (code, stdout, stderr) = await RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,avg_frame_rate,r_frame_rate,duration:stream_tags=rotate:stream_side_data=rotation:format=format_name,duration", "-of", "json", path], ct);
        if (code != 0)
            throw new SightlineException(ErrorKind.InvalidImageFormat, $"The video could not be read: {FirstLine(stderr)}");
        using var doc = JsonDocument.Parse(stdout);
        var streams = doc.RootElement.TryGetProperty("streams", out var s) ? s : default;
        if (streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
            throw new SightlineException(ErrorKind.InvalidImageFormat, "The file has no video stream.");
        var stream = streams[0];
        var format = doc.RootElement.GetProperty("format");
        int width = stream.TryGetProperty("width", out var w) ? w.GetInt32() : 0, height = stream.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width < 1 || height < 1 || width > limits.MaxSide || height > limits.MaxSide)
            throw new SightlineException(ErrorKind.InvalidImageFormat, $"Video frames of {width}×{height} are outside 1–{limits.MaxSide} px a side.");
        double seconds = Seconds(stream, "duration") ?? Seconds(format, "duration")
            ?? throw new SightlineException(ErrorKind.InvalidImageFormat, "The video's duration is unknown.");
        if (TimeSpan.FromSeconds(seconds) > limits.MaxDuration)
            throw SightlineException.InvalidParameter($"The video lasts {TimeSpan.FromSeconds(seconds):g}; the limit is {limits.MaxDuration:g}.");
        // ffmpeg turns frames upright; a quarter turn swaps the decoded frame's sides.
        if (Math.Abs(Rotation(stream)) % 180 == 90)
            (width, height) = (height, width);
        double fps = Rate(stream, "avg_frame_rate") ?? Rate(stream, "r_frame_rate") ?? 0;
        return new VideoInfo(stream.GetProperty("codec_name").GetString() ?? "unknown", format.GetProperty("format_name").GetString() ?? "unknown",
            (long)Math.Round(seconds * 1000), Math.Round(fps, 3), width, height);
    }

    private static double? Seconds(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0 ? d : null;

    private static double? Rate(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.GetString() is not { } text)
            return null;
        var parts = text.Split('/');
        return parts.Length == 2 && double.TryParse(parts[0], CultureInfo.InvariantCulture, out double n) && double.TryParse(parts[1], CultureInfo.InvariantCulture, out double d) && d > 0 && n > 0
            ? n / d : null;
    }

    private static int Rotation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.TryGetProperty("rotation", out var r) && r.TryGetInt32(out int degrees))
                    return degrees;
            }
        }
        return stream.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var rotate)
            && int.TryParse(rotate.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int tagged) ? tagged : 0;
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "unknown error";

    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new SightlineException(ErrorKind.Internal, $"{program} could not be started; install ffmpeg (scripts/setup.sh does).");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
