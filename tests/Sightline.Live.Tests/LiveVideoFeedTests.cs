using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Sightline.Live.Video;
using Sightline.Storage;

namespace Sightline.Live.Tests;

/// <summary>A camera's live video relayed by the real ffmpeg: H.264 copied or encoded, cut into fragments a browser's Media Source can play.</summary>
public sealed class LiveVideoFeedTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sightline-live-video-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>An H.264 clip with a keyframe every second (15 frames at 15 fps), or an MJPEG one.</summary>
    private string Clip(string codec)
    {
        string path = Path.Combine(_directory, $"source-{codec}.{(codec == "h264" ? "mp4" : "avi")}");
        string[] encode = codec == "h264" ? ["-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p"] : ["-c:v", "mjpeg", "-q:v", "5"];
        Run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=15:d=6", .. encode, path]);
        return path;
    }

    private static string Run(string tool, string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} failed: {stderr.Result}");
        return output;
    }

    /// <summary>What a viewer receives in <paramref name="seconds"/>: the init segment, then media segments.</summary>
    private static async Task<List<byte[]>> WatchAsync(LiveVideoViewer viewer, double seconds)
    {
        var got = new List<byte[]>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await foreach (var segment in viewer.Segments.ReadAllAsync(enough.Token))
                got.Add(segment);
        }
        catch (OperationCanceledException)
        {
            // watched long enough
        }
        return got;
    }

    private static List<(string Type, byte[] Box)> Boxes(byte[] bytes)
    {
        var boxes = new List<(string, byte[])>();
        using var stream = new MemoryStream(bytes);
        while (Mp4Boxes.ReadAsync(stream, CancellationToken.None).GetAwaiter().GetResult() is var (type, box))
            boxes.Add((type, box));
        return boxes;
    }

    [Theory]
    [InlineData("h264", "copy")]
    [InlineData("mjpeg", "encode")]
    public async Task A_viewer_gets_an_init_segment_then_fragments_that_decode_as_h264_and_a_late_viewer_starts_on_a_keyframe(string codec, string mode)
    {
        string clip = Clip(codec);
        var settings = new CameraSettings { Url = new Uri(clip).AbsoluteUri };
        Assert.Equal(mode == "copy", LiveVideoCommand.Copies(codec));
        var feed = new LiveVideoFeed("test", NullLogger.Instance) { Encodes = mode == "encode" };
        using var stop = new CancellationTokenSource();
        var run = feed.RunAsync(LiveVideoCommand.Command(clip, settings, codec), stop.Token);

        using var first = await feed.JoinAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.Matches("^avc1\\.[0-9a-f]{6}$", first.Codecs);
        if (mode == "encode")
            Assert.StartsWith("avc1.42", first.Codecs, StringComparison.Ordinal); // Constrained Baseline, playable everywhere
        var watchFirst = WatchAsync(first, 4);
        await Task.Delay(1700);
        using var late = await feed.JoinAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var lateSegments = await WatchAsync(late, 2.3);
        var firstSegments = await watchFirst;
        Assert.Equal(2, feed.Viewers);
        await stop.CancelAsync();
        await run;

        // The first viewer: ftyp + moov, then moof + mdat pairs, several a second (a fragment at least every 250 ms).
        var boxes = Boxes([.. firstSegments.SelectMany(s => s)]);
        Assert.Equal(["ftyp", "moov"], boxes.Take(2).Select(b => b.Type));
        var moofs = boxes.Where(b => b.Type == "moof").Select(b => b.Box).ToList();
        Assert.True(moofs.Count >= 8, $"{moofs.Count} fragments in 4 s");
        Assert.Equal(moofs.Count, boxes.Count(b => b.Type == "mdat"));
        Assert.True(Mp4Boxes.StartsWithKeyframe(moofs[0]));
        // A keyframe every second at 15 fps; fragments between keyframes are not keyframes.
        int keys = moofs.Count(m => Mp4Boxes.StartsWithKeyframe(m));
        Assert.InRange(keys, 2, 6);
        Assert.True(keys < moofs.Count);

        // The late viewer starts with the init segment and a keyframe, and what it got plays as H.264.
        var lateBoxes = Boxes([.. lateSegments.SelectMany(s => s)]);
        Assert.Equal(["ftyp", "moov", "moof"], lateBoxes.Take(3).Select(b => b.Type));
        Assert.True(Mp4Boxes.StartsWithKeyframe(lateBoxes[2].Box));
        string saved = Path.Combine(_directory, $"late-{mode}.mp4");
        await File.WriteAllBytesAsync(saved, [.. lateSegments.SelectMany(s => s)]);
        string probe = Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,nb_read_frames", "-of", "csv=p=0", saved]);
        var fields = probe.Trim().Split(',');
        Assert.Equal(("h264", "640"), (fields[0], fields[1]));
        Assert.True(int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) >= 15, probe);
    }

    [Fact]
    public async Task A_source_that_cannot_be_read_fails_the_viewers_join_instead_of_hanging()
    {
        var settings = new CameraSettings { Url = new Uri(Path.Combine(_directory, "missing.mp4")).AbsoluteUri };
        var feed = new LiveVideoFeed("test", NullLogger.Instance);
        var run = feed.RunAsync(LiveVideoCommand.Command(Path.Combine(_directory, "missing.mp4"), settings, "h264"), CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => feed.JoinAsync(TimeSpan.FromSeconds(20), CancellationToken.None));
        await run;
    }
}
