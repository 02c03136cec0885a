using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>
/// Segment detection on every frame, each seen small (<see cref="Width"/> px wide). Shots: a cut is where the
/// colour histogram of a frame departs from the previous frame's by at least <see cref="CutDistance"/> and by at
/// least three times the usual change of the frames before (camera motion and flicker raise that), at least half a
/// second after the last cut. Technical cues: black frames (Rekognition's BlackFrame filter) and SMPTE colour bars,
/// each a run of such frames. Other cues (credits, logos, slates) have no method here and are not reported.
/// </summary>
internal sealed class SegmentAnalysis(SegmentRequest request) : VideoAnalysis<FrameCues>
{
    public const int Width = 128;
    public const float CutDistance = 0.35f;
    public const string ModelVersion = "1.0";
    private const int Window = 15;

    private readonly List<float> _distances = [];
    private readonly List<float> _black = [];
    private readonly List<float?> _bars = [];
    private readonly int _blackLevel = (int)Math.Round(request.BlackMaxPixel * 255);
    private FrameCues? _previous;

    public override FrameSampling Sampling { get; } = new(null, Width);

    protected override ValueTask<FrameCues> LookAsync(long timestampMillis, DecodedImage frame, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(FrameCues.Of(frame.Bgr, _blackLevel));
    }

    protected override ValueTask AddAsync(long timestampMillis, FrameCues cues, CancellationToken ct)
    {
        _distances.Add(_previous is null ? 0 : _previous.Distance(cues));
        _black.Add(cues.BlackShare * 100);
        _bars.Add(cues.BarsConfidence);
        _previous = cues;
        return ValueTask.CompletedTask;
    }

    public override ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct)
    {
        double fps = info.FrameRate > 0 ? info.FrameRate : 25;
        var segments = new List<SegmentDetection>();
        if (request.Types.Contains(SegmentRequest.TechnicalCue))
        {
            segments.AddRange(Runs(i => _black[i] >= request.BlackMinCoverage ? BlackConfidence(_black[i]) : null)
                .Select(r => Segment(SegmentRequest.TechnicalCue, r.Start, r.End, fps) with { TechnicalCueSegment = new TechnicalCueSegment("BlackFrames", r.Confidence) }));
            segments.AddRange(Runs(i => _bars[i])
                .Select(r => Segment(SegmentRequest.TechnicalCue, r.Start, r.End, fps) with { TechnicalCueSegment = new TechnicalCueSegment("ColorBars", r.Confidence) }));
            segments.RemoveAll(s => s.TechnicalCueSegment!.Confidence < request.CueMinConfidence);
        }
        if (request.Types.Contains(SegmentRequest.Shot))
        {
            var cuts = Cuts(fps);
            for (int i = 0; i + 1 < cuts.Count; i++)
            {
                float confidence = Math.Min(cuts[i].Confidence, cuts[i + 1].Confidence);
                if (confidence >= request.ShotMinConfidence)
                    segments.Add(Segment(SegmentRequest.Shot, cuts[i].Frame, cuts[i + 1].Frame - 1, fps) with { ShotSegment = new ShotSegment(i, confidence) });
            }
        }
        return ValueTask.FromResult(new VideoJobResults(metadata, null, null)
        {
            Segments = [.. segments.OrderBy(s => s.StartFrameNumber).ThenBy(s => s.Type, StringComparer.Ordinal)],
            SelectedSegmentTypes = [.. request.Types.Select(t => new SegmentTypeInfo(t, ModelVersion))],
            AudioMetadata = [],
        });
    }

    /// <summary>The frames that start a shot, with the confidence of each cut: the first frame and the end (one past the last frame) count as certain.</summary>
    internal List<(int Frame, float Confidence)> Cuts(double fps)
    {
        int minShot = Math.Max(2, (int)Math.Round(fps / 2));
        var cuts = new List<(int, float)> { (0, 100f) };
        int last = 0;
        for (int i = 1; i < _distances.Count; i++)
        {
            float d = _distances[i];
            if (d < CutDistance || i - last < minShot)
                continue;
            var before = _distances.Skip(Math.Max(1, i - Window)).Take(i - Math.Max(1, i - Window)).Order().ToList();
            float usual = before.Count == 0 ? 0 : before[before.Count / 2];
            if (d < 3 * usual)
                continue;
            cuts.Add((i, Math.Min(100, 50 + 50 * (d - CutDistance) / CutDistance)));
            last = i;
        }
        cuts.Add((_distances.Count, 100f));
        return cuts;
    }

    /// <summary>Black frames: 50 at the least coverage asked for, 100 when every pixel is black.</summary>
    private float BlackConfidence(float coverage) =>
        request.BlackMinCoverage >= 100 ? 100 : 50 + 50 * (coverage - request.BlackMinCoverage) / (100 - request.BlackMinCoverage);

    /// <summary>Runs of consecutive frames the test gives a confidence, each with its mean confidence.</summary>
    private IEnumerable<(int Start, int End, float Confidence)> Runs(Func<int, float?> test)
    {
        int start = -1;
        float sum = 0;
        for (int i = 0; i <= _distances.Count; i++)
        {
            float? c = i < _distances.Count ? test(i) : null;
            if (c is { } confidence)
            {
                if (start < 0)
                    (start, sum) = (i, 0);
                sum += confidence;
                continue;
            }
            if (start >= 0)
                yield return (start, i - 1, sum / (i - start));
            start = -1;
        }
    }

    private static SegmentDetection Segment(string type, int start, int end, double fps)
    {
        long Millis(long frame) => (long)(frame * 1000 / fps);
        long frames = end - start + 1;
        return new SegmentDetection(type, Millis(start), Millis(end + 1), Millis(end + 1) - Millis(start),
            Smpte.Timecode(start, fps), Smpte.Timecode(end + 1, fps), Smpte.Timecode(frames, fps), start, end, frames);
    }
}
