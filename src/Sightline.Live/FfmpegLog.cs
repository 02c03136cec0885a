using System.Text.RegularExpressions;

namespace Sightline.Live;

/// <summary>
/// Reads ffmpeg's log of one camera session: the source's and the output's frame size, and the reason it failed in
/// words an operator can act on. Every line kept is redacted first (ffmpeg repeats the URL, credentials included).
/// </summary>
public sealed partial class FfmpegLog
{
    private const int KeptLines = 12;
    private readonly Queue<string> _last = new();
    private readonly TaskCompletionSource<(int Width, int Height)> _output = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private bool _inOutput;

    public (int Width, int Height)? Source { get; private set; }

    /// <summary>The source's video codec as ffmpeg names it (h264, hevc, mjpeg, …), once its input stream is described.</summary>
    public string? SourceCodec { get; private set; }

    /// <summary>Completes when ffmpeg has told the size of the frames it writes.</summary>
    public Task<(int Width, int Height)> OutputSize => _output.Task;

    public void Add(string line)
    {
        line = CameraDefinitions.Redact(line);
        lock (_gate)
        {
            _last.Enqueue(line.Length > 300 ? line[..300] : line);
            if (_last.Count > KeptLines)
                _last.Dequeue();
        }
        if (line.StartsWith("Output #0", StringComparison.Ordinal))
            _inOutput = true;
        if (!_inOutput && SourceCodec is null && Codec().Match(line) is { Success: true } codec)
            SourceCodec = codec.Groups[1].Value;
        if (!line.Contains("Video:", StringComparison.Ordinal) || Size().Match(line) is not { Success: true } m)
            return;
        var size = (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        if (_inOutput)
            _output.TrySetResult(size);
        else
            Source ??= size;
    }

    public void Ended() => _output.TrySetCanceled();

    [GeneratedRegex(@"Stream #\d+:\d+\S*: Video: ([a-z0-9_]+)")]
    private static partial Regex Codec();

    [GeneratedRegex(@", (\d{1,5})x(\d{1,5})\b")]
    private static partial Regex Size();

    /// <summary>Why the session ended, from the lines ffmpeg wrote last.</summary>
    public string Reason(int? exitCode)
    {
        string[] lines;
        lock (_gate)
            lines = [.. _last];
        string all = string.Join('\n', lines);
        string? known = all switch
        {
            _ when all.Contains("Connection refused", StringComparison.OrdinalIgnoreCase) => "connection refused",
            _ when all.Contains("401 Unauthorized", StringComparison.OrdinalIgnoreCase) || all.Contains("authorization failed", StringComparison.OrdinalIgnoreCase) =>
                "wrong credentials (401 Unauthorized)",
            _ when all.Contains("403 Forbidden", StringComparison.OrdinalIgnoreCase) => "forbidden (403)",
            _ when all.Contains("404 Not Found", StringComparison.OrdinalIgnoreCase) || all.Contains("No such file", StringComparison.OrdinalIgnoreCase) => "not found (404)",
            _ when all.Contains("matches no streams", StringComparison.OrdinalIgnoreCase) || all.Contains("does not contain any stream", StringComparison.OrdinalIgnoreCase) =>
                "the source has no video track",
            _ when all.Contains("timed out", StringComparison.OrdinalIgnoreCase) || all.Contains("Connection timeout", StringComparison.OrdinalIgnoreCase) => "timed out connecting",
            _ when all.Contains("Name or service not known", StringComparison.OrdinalIgnoreCase) || all.Contains("Temporary failure in name resolution", StringComparison.OrdinalIgnoreCase) =>
                "the host name does not resolve",
            _ when all.Contains("Invalid data found", StringComparison.OrdinalIgnoreCase) => "not a video stream ffmpeg can read",
            _ => null,
        };
        if (known is not null)
            return known;
        string? lastError = lines.LastOrDefault(l => l.Length > 0 && !l.StartsWith(' ') && !l.StartsWith("Stream mapping", StringComparison.Ordinal));
        return exitCode is { } code
            ? $"ffmpeg exited with code {code}" + (lastError is null ? "" : ": " + lastError)
            : "the stream ended";
    }
}
