using System.Globalization;
using System.Text.Json;

namespace Sightline.Video;

/// <summary>
/// What re-encoding a video needs beyond <see cref="VideoInfo"/>: the exact frame rate as ffprobe gives it (a ratio
/// such as 30000/1001, so the copy keeps the source's timing), the frame count the container states (when it does),
/// and the codec of the first audio stream (null when there is none).
/// </summary>
public sealed record StreamFacts(string FrameRate, long? StatedFrames, string? AudioCodec)
{
    public static async Task<StreamFacts> ProbeAsync(string path, CancellationToken ct)
    {
        var (code, stdout, stderr) = await VideoProbe.RunAsync("ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_type,codec_name,avg_frame_rate,r_frame_rate,nb_frames", "-of", "json", path], ct).ConfigureAwait(false);
        if (code != 0)
            throw new SightlineException(ErrorKind.InvalidImageFormat, $"The video could not be read: {NativeFrames.FirstLine(stderr)}");
        using var doc = JsonDocument.Parse(stdout);
        string? rate = null, audio = null;
        long? frames = null;
        if (!doc.RootElement.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array)
            throw new SightlineException(ErrorKind.InvalidImageFormat, "The file has no video stream.");
        foreach (var stream in streams.EnumerateArray())
        {
            string? type = Text(stream, "codec_type");
            if (type == "video" && rate is null)
            {
                rate = Ratio(Text(stream, "avg_frame_rate")) ?? Ratio(Text(stream, "r_frame_rate"));
                frames = long.TryParse(Text(stream, "nb_frames"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n > 0 ? n : null;
            }
            else if (type == "audio" && audio is null)
            {
                audio = Text(stream, "codec_name") ?? "unknown";
            }
        }
        return new StreamFacts(rate ?? throw new SightlineException(ErrorKind.InvalidImageFormat, "The video's frame rate is unknown."), frames, audio);
    }

    /// <summary>The number of video packets (one per frame in an encoded H.264 stream), and the frame size and rate, of a written file.</summary>
    public static async Task<(long Frames, int Width, int Height, string FrameRate)> CountAsync(string path, CancellationToken ct)
    {
        var (code, stdout, stderr) = await VideoProbe.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets,width,height,avg_frame_rate,r_frame_rate", "-of", "json", path], ct)
            .ConfigureAwait(false);
        if (code != 0)
            throw new SightlineException(ErrorKind.Internal, $"The written video could not be read back: {NativeFrames.FirstLine(stderr)}");
        using var doc = JsonDocument.Parse(stdout);
        var stream = doc.RootElement.GetProperty("streams")[0];
        return (long.Parse(Text(stream, "nb_read_packets") ?? "0", CultureInfo.InvariantCulture), stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(),
            Ratio(Text(stream, "avg_frame_rate")) ?? Ratio(Text(stream, "r_frame_rate")) ?? "0/1");
    }

    /// <summary>A frame rate ratio in lowest terms ("2997/100" and "29970/1000" are one rate), or null when it is not a positive ratio.</summary>
    public static string? Ratio(string? text)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
            || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long d) || n <= 0 || d <= 0)
            return null;
        long g = (long)System.Numerics.BigInteger.GreatestCommonDivisor(n, d);
        return string.Create(CultureInfo.InvariantCulture, $"{n / g}/{d / g}");
    }

    /// <summary>Frames per second of a ratio from <see cref="Ratio"/>.</summary>
    public static double PerSecond(string ratio)
    {
        var parts = ratio.Split('/');
        return double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null : null;
}
