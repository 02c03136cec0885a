using OpenCvSharp;
using Sightline.Alerts;
using Sightline.Imaging;
using Sightline.Live.Detection;
using Sightline.Live.Plates;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>
/// Plate reading in a stored video: vehicles (or plates) of the watched labels — COCO car, motorcycle, bus, truck by
/// default, or a site detector's vehicle or plate label — found on each sampled frame are followed within the video
/// (<see cref="BoxTracks"/>), and each one's plate is read once, on its best view (its largest box, with a 10%
/// margin, 50% around a plate box), when it has been gone for a second or the video ends. Reads that hit a hotlist are kept as hits (and go
/// to the alert rules as <c>hotlist:LIST</c>); reads that hit nothing are dropped at once, only counted.
/// </summary>
internal sealed class PlateAnalysis(LiveDetector detector, IReadOnlyList<string> watched, PlateDesk plates, string imageRef, double sampleFps) : VideoAnalysis<List<PlateAnalysis.View>>, IDisposable
{
    /// <summary>The labels read when the job names none: COCO's vehicles.</summary>
    public static readonly IReadOnlyList<string> DefaultLabels = ["car", "motorcycle", "bus", "truck"];

    private const float MinConfidence = 50;

    private readonly BoxTracks _tracks = new(minIou: 0.2f, maxUnseenMillis: 1000, minDetections: 2);
    private readonly Dictionary<int, View> _views = [];
    private readonly List<PlateHit> _hits = [];
    private int _read;

    public override FrameSampling Sampling { get; } = new(sampleFps, null);

    /// <summary>The vehicles on the frame, each with its view cut out (the frame itself is gone by the time it is added).</summary>
    protected override async ValueTask<List<View>> LookAsync(long timestampMillis, DecodedImage frame, CancellationToken ct)
    {
        float w = frame.Width, h = frame.Height;
        var found = Distinct(await detector.DetectAsync(frame.Bgr, watched, MinConfidence, ct).ConfigureAwait(false));
        var views = new List<View>(found.Count);
        foreach (var d in found)
        {
            var box = new BoundingBox(d.Box.Width / w, d.Box.Height / h, d.Box.X1 / w, d.Box.Y1 / h);
            views.Add(View.Of(frame.Bgr, box, LivePlates.PlateLabels.Contains(d.Label) ? 0.5f : 0.1f, box.Width * box.Height, timestampMillis));
        }
        return views;
    }

    protected override async ValueTask AddAsync(long timestampMillis, List<View> seen, CancellationToken ct)
    {
        var tracks = _tracks.Add(timestampMillis, [.. seen.Select(v => v.Box)]);
        for (int i = 0; i < seen.Count; i++)
        {
            if (_views.TryGetValue(tracks[i], out var best) && best.Area > seen[i].Area)
            {
                seen[i].Dispose();
                continue;
            }
            best?.Dispose();
            _views[tracks[i]] = seen[i];
        }
        foreach (int ended in _views.Keys.Where(t => _tracks.Ended(t, timestampMillis)).ToList())
            await ReadAsync(ended, ct).ConfigureAwait(false);
    }

    protected override void Discard(List<View> seen)
    {
        foreach (var view in seen)
            view.Dispose();
    }

    public override async ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct)
    {
        foreach (int track in _views.Keys.ToList())
            await ReadAsync(track, ct).ConfigureAwait(false);
        return new VideoJobResults(metadata, null, null) { PlateHits = [.. _hits.OrderBy(h => h.Timestamp).ThenBy(h => h.Index)], VehiclesRead = _read };
    }

    public void Dispose()
    {
        foreach (var view in _views.Values)
            view.Dispose();
        _views.Clear();
    }

    private async Task ReadAsync(int track, CancellationToken ct)
    {
        using var view = _views[track];
        _views.Remove(track);
        if (_tracks.Count(track) < 2)
            return; // seen once: not a vehicle followed, most likely a false detection
        var (_, hits) = await plates.ReadAsync(view.Image, imageRef, ct).ConfigureAwait(false);
        _read++;
        foreach (var hit in hits)
            _hits.Add(new PlateHit(view.Timestamp, track, view.Box, hit.ReadPlate, hit.List, hit.ListedPlate, hit.Reason, hit.Distance, hit.Confidence));
    }

    /// <summary>One box per vehicle: a box overlapping a more confident one by over 60% (a car also seen as a truck) is dropped.</summary>
    private static List<LiveDetection> Distinct(IEnumerable<LiveDetection> detections)
    {
        var kept = new List<LiveDetection>();
        foreach (var d in detections.OrderByDescending(d => d.Confidence))
        {
            if (!kept.Any(k => k.Box.IoU(d.Box) > 0.6f))
                kept.Add(d);
        }
        return kept;
    }

    internal sealed record View(Mat Image, BoundingBox Box, float Area, long Timestamp) : IDisposable
    {
        public static View Of(Mat frame, BoundingBox box, float margin, float area, long timestamp)
        {
            float mx = box.Width * margin, my = box.Height * margin;
            int x1 = (int)Math.Clamp((box.Left - mx) * frame.Width, 0, frame.Width - 1), y1 = (int)Math.Clamp((box.Top - my) * frame.Height, 0, frame.Height - 1);
            int x2 = (int)Math.Clamp(Math.Ceiling((box.Left + box.Width + mx) * frame.Width), x1 + 1, frame.Width);
            int y2 = (int)Math.Clamp(Math.Ceiling((box.Top + box.Height + my) * frame.Height), y1 + 1, frame.Height);
            using var roi = new Mat(frame, new Rect(x1, y1, x2 - x1, y2 - y1));
            return new View(roi.Clone(), box, area, timestamp);
        }

        public void Dispose() => Image.Dispose();
    }
}
