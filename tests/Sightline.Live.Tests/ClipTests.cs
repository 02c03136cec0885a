using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Sightline.Live.Clips;
using Sightline.Tests;

namespace Sightline.Live.Tests;

/// <summary>The pre-roll ring, the JPEG compressor and the per-event clips, on generated frames and the real ffmpeg.</summary>
public sealed class ClipTests : IDisposable
{
    private static readonly DateTimeOffset s_t0 = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
    private readonly string _directory = Directory.CreateTempSubdirectory("sightline-clips-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Mat Picture(int i)
    {
        var mat = new Mat(120, 160, MatType.CV_8UC3, new Scalar(i * 7 % 256, 80, 160));
        Cv2.Rectangle(mat, new Rect(i * 3 % 140, 40, 20, 40), Scalar.White, -1);
        return mat;
    }

    private static JpegFrame Jpeg(int second) => JpegFrame.Copy([0xFF, 0xD8, (byte)second], s_t0.AddSeconds(second));

    [Fact]
    public void The_pre_roll_keeps_the_last_seconds_within_its_capacity_and_releases_the_rest()
    {
        using var ring = new PreRoll(TimeSpan.FromSeconds(3), capacity: 5);
        var frames = Enumerable.Range(0, 10).Select(Jpeg).ToList();
        var held = frames.Select(f => f.AddReference()).ToList(); // as an encoder would hold them
        foreach (var f in frames)
            ring.Add(f);
        Assert.Equal(4, ring.Count); // seconds 6–9: the span, not the capacity, bounds it here
        Assert.Equal([6, 7, 8, 9], ring.Since(s_t0).Select(f => (int)f.Bytes.Span[2]));
        held.ForEach(f => f.Release());
        // Frames out of the ring went back to the pool: no one may read them now.
        Assert.Throws<ObjectDisposedException>(() => frames[5].Bytes);

        using var small = new PreRoll(TimeSpan.FromHours(1), capacity: 3);
        foreach (var f in Enumerable.Range(0, 10).Select(Jpeg))
            small.Add(f);
        Assert.Equal(3, small.Count);
        var since = small.Since(s_t0.AddSeconds(8));
        Assert.Equal([8, 9], since.Select(f => (int)f.Bytes.Span[2]));
        small.Clear();
        Assert.Equal(9, since[1].Bytes.Span[2]); // still held by the caller
        foreach (var f in since)
            f.Release();
        Assert.Throws<ObjectDisposedException>(() => since[0].Bytes);
    }

    [Fact]
    public void The_compressor_writes_what_OpenCV_writes_into_a_pooled_buffer()
    {
        using var compressor = new JpegCompressor();
        for (int i = 0; i < 3; i++)
        {
            using var picture = Picture(i * 20);
            var frame = compressor.Compress(picture, s_t0);
            Cv2.ImEncode(".jpg", picture, out var expected, new ImageEncodingParam(ImwriteFlags.JpegQuality, JpegCompressor.Quality));
            Assert.Equal(expected, frame.Bytes.ToArray());
            frame.Release();
        }
    }

    [Fact]
    public async Task A_clip_runs_from_the_pre_roll_before_the_start_to_the_post_roll_after_the_end_and_plays_as_H264()
    {
        var ready = new List<string>();
        var options = new LiveOptions { ClipPreSeconds = 2, ClipPostSeconds = 1 };
        using var clips = new ClipRecorder("yard", 10, options, _directory, id => { lock (ready) ready.Add(id); return Task.CompletedTask; }, NullLogger.Instance);
        // 10 fps: the event starts at 5 s (its clip from 3 s), ends at 7 s (its clip to 8 s).
        for (int i = 0; i <= 100; i++)
        {
            using var picture = Picture(i);
            var at = s_t0.AddSeconds(i / 10.0);
            clips.Add(new Frame([], 160, 120, i, at), picture);
            if (i == 55)
                clips.Start("e1", s_t0.AddSeconds(5));
            if (i == 72)
                clips.End("e1", s_t0.AddSeconds(7));
        }
        await clips.StopAsync();
        Assert.Equal(["e1"], ready);
        var (codec, pixels, seconds) = await VideoProbe.ProbeAsync(Path.Combine(_directory, "e1.mp4"));
        Assert.Equal(("h264", "yuv420p"), (codec, pixels));
        Assert.InRange(seconds, 4.8, 5.3); // 3.0 s to 8.0 s at 10 fps
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task Clips_past_the_limit_get_none_a_long_event_is_cut_at_the_longest_clip_and_a_stop_finishes_what_is_open()
    {
        var ready = new List<string>();
        var options = new LiveOptions { ClipPreSeconds = 1, ClipPostSeconds = 1, MaxClipSeconds = 3, MaxClipsPerCamera = 2 };
        using var clips = new ClipRecorder("yard", 10, options, _directory, id => { lock (ready) ready.Add(id); return Task.CompletedTask; }, NullLogger.Instance);
        for (int i = 0; i <= 60; i++)
        {
            using var picture = Picture(i);
            clips.Add(new Frame([], 160, 120, i, s_t0.AddSeconds(i / 10.0)), picture);
            if (i == 10)
            {
                clips.Start("long", s_t0.AddSeconds(1));
                clips.Start("other", s_t0.AddSeconds(1));
                clips.Start("third", s_t0.AddSeconds(1)); // over the limit of 2
            }
            if (i == 45)
                clips.Start("late", s_t0.AddSeconds(4.5)); // the long one's encoder was finished at 3 s: there is room
        }
        Assert.Equal(1, clips.Open);
        Assert.True(SpinWait.SpinUntil(() => { lock (ready) return ready.Count == 2; }, TimeSpan.FromSeconds(30)));
        Assert.True(clips.HasClip("long")); // its event goes on; the messages say there is a clip
        await clips.StopAsync();
        Assert.Equal(["late", "long", "other"], ready.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(_directory, "third.mp4")));
        Assert.InRange((await VideoProbe.ProbeAsync(Path.Combine(_directory, "long.mp4"))).Seconds, 2.9, 3.3);
        Assert.InRange((await VideoProbe.ProbeAsync(Path.Combine(_directory, "late.mp4"))).Seconds, 2.4, 2.8); // 3.5 s to 6.0 s, stopped with the camera
    }

    [Fact]
    public async Task An_encoder_that_is_disposed_or_fails_leaves_neither_a_clip_nor_a_temporary_file()
    {
        string path = Path.Combine(_directory, "gone.mp4");
        var encoder = ClipEncoder.Start(path, 10, 8)!;
        encoder.Offer(Jpeg(1)); // not a whole JPEG: ffmpeg fails on it
        var (made, error) = await encoder.FinishAsync();
        await encoder.DisposeAsync();
        Assert.False(made);
        Assert.NotNull(error);

        var killed = ClipEncoder.Start(path, 10, 8)!;
        using var compressor = new JpegCompressor();
        using (var picture = Picture(1))
            killed.Offer(compressor.Compress(picture, s_t0));
        await killed.DisposeAsync();
        Assert.Empty(Directory.GetFiles(_directory));
    }
}
