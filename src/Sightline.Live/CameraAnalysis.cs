using Microsoft.Extensions.Logging;
using OpenCvSharp;
using Sightline.Inference;
using Sightline.Live.Clips;
using Sightline.Live.Detection;
using Sightline.Live.Events;
using Sightline.Live.Tracking;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>
/// A camera's analysis of each frame: motion first (masked); the detector runs, through the shared queue, only when
/// something moves or an object is being tracked, and then on the region around the motion and the tracked objects
/// (the whole frame when that region is most of it); the tracker follows what it finds and the recorder turns
/// confirmed tracks into events; vehicles of a camera that reads plates are read once each (<see cref="Plates.LivePlates"/>).
/// </summary>
public sealed class CameraAnalysis : IFrameAnalyzer
{
    /// <summary>A detection region is at least this many pixels on a side (the detectors' input is 320–640).</summary>
    public const int MinRegionSide = 320;

    /// <summary>A region covering more than this share of the frame is replaced by the frame.</summary>
    public const double WholeFrameShare = 0.5;

    private readonly CameraRecord _camera;
    private readonly CameraCounters _counters;
    private readonly LiveServices _live;
    private readonly ObjectTracker _tracker;
    private readonly TrackerOptions _options;
    private readonly EventRecorder _recorder;
    private readonly Faces.LiveFaceSearch? _faces;
    private readonly Plates.LivePlates? _plates;
    private readonly ClipRecorder _clips;
    private readonly LivePicture _picture;
    private JpegCompressor? _pictureJpeg;
    private DateTimeOffset _pictureAt;
    private MotionDetector? _motion;
    private (int, int) _size;

    public CameraAnalysis(CameraRecord camera, CameraCounters counters, LiveServices live, LiveOptions liveOptions, ILogger logger, LivePicture picture)
    {
        (_camera, _counters, _live, _picture) = (camera, counters, live, picture);
        _options = TrackerOptions.ForRate(camera.Settings.Fps);
        _tracker = new ObjectTracker(camera.Settings.Zones, _options);
        _clips = new ClipRecorder(camera.Name, camera.Settings.Fps, liveOptions, live.EventsDirectory,
            async id =>
            {
                // The finished clip goes to the file store before anyone is told it is there.
                await live.Files.PutAsync(EventRecorder.ClipKey(id), ClipRecorder.PathOf(live.EventsDirectory, id), CancellationToken.None).ConfigureAwait(false);
                await ClipAnnouncement.AnnounceAsync(live.Events, live.Hub, id).ConfigureAwait(false);
            }, logger);
        _recorder = new EventRecorder(camera.Name, live.Events, live.Hub, live.Alerts, live.Files, _clips, logger);
        if (live.Faces is { } faces)
            _faces = new Faces.LiveFaceSearch(camera.Name, faces, live.Queue, logger);
        if (camera.Settings.ReadPlates && live.Plates is { } plates)
            _plates = new Plates.LivePlates(camera.Name, plates, live, counters, logger);
    }

    public async ValueTask AnalyzeAsync(Frame frame, Mat bgr, CancellationToken cancellationToken)
    {
        if (_motion is null || _size != (frame.Width, frame.Height))
        {
            _motion?.Dispose();
            _motion = new MotionDetector(frame.Width, frame.Height, _camera.Settings.MotionMasks);
            _size = (frame.Width, frame.Height);
        }
        if (_faces is not null)
            await _faces.SyncAsync(frame.At, cancellationToken).ConfigureAwait(false);
        // Before the analysis: a clip that starts on this frame begins with the frames before it, this one included.
        Show(frame, bgr, _clips.Add(frame, bgr));
        var motion = _motion.Detect(bgr);
        _counters.FrameAnalysed(motion.Count > 0);
        if (motion.Count == 0 && _tracker.Tracks.Count == 0)
        {
            // A still, empty scene: no inference is spent.
            await EndAsync(_tracker.Expire(frame.At), frame, bgr, cancellationToken).ConfigureAwait(false);
            return;
        }
        var region = Region(motion, frame.Width, frame.Height);
        using var crop = region.Width == frame.Width && region.Height == frame.Height ? null : new Mat(bgr, region);
        var labels = _camera.Settings.Labels;
        var pending = _live.Queue.TryRun(() => _live.Detector.DetectAsync(crop ?? bgr, labels, _options.MinConfidence, cancellationToken), cancellationToken);
        if (pending is null)
        {
            _counters.DetectionSkipped();
            await EndAsync(_tracker.Expire(frame.At), frame, bgr, cancellationToken).ConfigureAwait(false);
            return;
        }
        // Awaited to the end even when stopping: the detector reads this frame's buffer until it returns.
        var found = await pending.ConfigureAwait(false);
        _counters.DetectionRun();
        if (crop is not null)
        {
            for (int i = 0; i < found.Count; i++)
            {
                var b = found[i].Box;
                found[i] = found[i] with { Box = new RectF(b.X1 + region.X, b.Y1 + region.Y, b.X2 + region.X, b.Y2 + region.Y) };
            }
        }
        var changes = _tracker.Update(found, frame.Width, frame.Height, frame.At);
        ShowTracks(frame);
        await _recorder.ApplyAsync(changes, frame, bgr, cancellationToken).ConfigureAwait(false);
        _recorder.Observe(_tracker.Tracks, frame);
        if (_faces is not null)
            await _faces.SearchAsync(_tracker.Tracks, frame, bgr, cancellationToken).ConfigureAwait(false);
        _plates?.Observe(_tracker.Tracks, changes.Ended, frame, bgr, cancellationToken);
    }

    /// <summary>The live view's frame: the clips' JPEG of it, or, with clips off, one compressed here once a second.</summary>
    private void Show(Frame frame, Mat bgr, JpegFrame? jpeg)
    {
        if (jpeg is not null)
        {
            _picture.SetFrame(jpeg);
            return;
        }
        if (frame.At - _pictureAt < TimeSpan.FromSeconds(1))
            return;
        _pictureAt = frame.At;
        _pictureJpeg ??= new JpegCompressor();
        var own = _pictureJpeg.Compress(bgr, frame.At);
        _picture.SetFrame(own);
        own.Release();
    }

    /// <summary>How long a moving object not detected any more keeps its box in the live view (its track lives on longer, in case it comes back).</summary>
    private static readonly TimeSpan ShownUnseen = TimeSpan.FromSeconds(1);

    private void ShowTracks(Frame frame) => _picture.SetTracks(new LiveTracks(frame.At, frame.Width, frame.Height,
        [.. _tracker.Tracks.Where(t => t.Confirmed && (t.Stationary || frame.At - t.LastSeen <= ShownUnseen)).Select(t => new LiveTrack(t.Id, t.Label,
            new NormalBox(t.Box.X1 / frame.Width, t.Box.Y1 / frame.Height, t.Box.Width / frame.Width, t.Box.Height / frame.Height), t.Stationary, t.Loitering, t.CurrentZones))]));

    private async Task EndAsync(IReadOnlyList<TrackedObject> ended, Frame frame, Mat bgr, CancellationToken cancellationToken)
    {
        ShowTracks(frame);
        await _recorder.EndAsync(ended, frame.At, cancellationToken).ConfigureAwait(false);
        _plates?.Observe(_tracker.Tracks, ended, frame, bgr, cancellationToken);
    }

    /// <summary>The motion boxes and tracked objects' boxes together, grown to at least <see cref="MinRegionSide"/>, clamped to the frame.</summary>
    private Rect Region(IReadOnlyList<NormalBox> motion, int width, int height)
    {
        float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
        foreach (var m in motion)
            (x1, y1, x2, y2) = (Math.Min(x1, m.Left * width), Math.Min(y1, m.Top * height), Math.Max(x2, (m.Left + m.Width) * width), Math.Max(y2, (m.Top + m.Height) * height));
        foreach (var t in _tracker.Tracks)
        {
            var p = t.Predicted;
            (x1, y1, x2, y2) = (Math.Min(x1, Math.Min(t.Box.X1, p.X1)), Math.Min(y1, Math.Min(t.Box.Y1, p.Y1)), Math.Max(x2, Math.Max(t.Box.X2, p.X2)), Math.Max(y2, Math.Max(t.Box.Y2, p.Y2)));
        }
        // A margin of a fifth on each side: an object is rarely all motion.
        float mw = (x2 - x1) * 0.2f, mh = (y2 - y1) * 0.2f;
        (x1, y1, x2, y2) = (x1 - mw, y1 - mh, x2 + mw, y2 + mh);
        float side = Math.Min(MinRegionSide, Math.Min(width, height));
        if (x2 - x1 < side)
            (x1, x2) = ((x1 + x2 - side) / 2, (x1 + x2 + side) / 2);
        if (y2 - y1 < side)
            (y1, y2) = ((y1 + y2 - side) / 2, (y1 + y2 + side) / 2);
        int left = (int)Math.Clamp(x1, 0, width - 1), top = (int)Math.Clamp(y1, 0, height - 1);
        int right = (int)Math.Clamp(Math.Ceiling(x2), left + 1, width), bottom = (int)Math.Clamp(Math.Ceiling(y2), top + 1, height);
        var region = new Rect(left, top, right - left, bottom - top);
        return region.Width * (double)region.Height > WholeFrameShare * width * height ? new Rect(0, 0, width, height) : region;
    }

    public void StreamLost(DateTimeOffset at)
    {
        // Tracks are kept: an object still there when the stream comes back within the unseen time is the same event.
        // The clips of events that have ended get no more frames from this stream.
        _clips.StreamLost();
    }

    public async Task StoppedAsync(DateTimeOffset at)
    {
        await _recorder.EndAsync([.. _tracker.Tracks.Where(t => t.Confirmed)], at, CancellationToken.None).ConfigureAwait(false);
        if (_faces is not null)
            await _faces.StoppedAsync(at).ConfigureAwait(false);
        if (_plates is not null)
            await _plates.StoppedAsync().ConfigureAwait(false);
        await _clips.StopAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _motion?.Dispose();
        _clips.Dispose();
        _plates?.Dispose();
        _pictureJpeg?.Dispose();
    }
}
