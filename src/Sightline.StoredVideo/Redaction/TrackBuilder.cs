using Sightline.Inference;

namespace Sightline.StoredVideo.Redaction;

/// <summary>What the detector saw of one track: the frames it was found on, in order, and its box there.</summary>
public sealed class TrackSightings(TrackKind kind, long order)
{
    public TrackKind Kind { get; } = kind;

    /// <summary>When the track was started among all tracks of the video (ties on the first frame keep this order).</summary>
    public long Order { get; } = order;

    public List<(int Frame, RectF Box)> Seen { get; } = [];

    public int LastFrame => Seen[^1].Frame;

    /// <summary>Where the track should be on <paramref name="frame"/>: its last box moved on at the speed between its last two sightings.</summary>
    public RectF Predict(int frame)
    {
        var (lastFrame, last) = Seen[^1];
        if (Seen.Count < 2)
            return last;
        var (prevFrame, prev) = Seen[^2];
        float k = (frame - lastFrame) / (float)(lastFrame - prevFrame);
        return new RectF(last.X1 + (last.X1 - prev.X1) * k, last.Y1 + (last.Y1 - prev.Y1) * k, last.X2 + (last.X2 - prev.X2) * k, last.Y2 + (last.Y2 - prev.Y2) * k);
    }
}

/// <summary>
/// Follows detections of one kind from frame to frame within one video: a detection joins the open track whose
/// predicted box it overlaps best (IoU at least <see cref="MinIoU"/>, each track at most once a frame), else starts a
/// track. A track stays open while it has been missed for at most <c>maxGap</c> frames, so a face the detector loses
/// for a moment keeps its track (and the gap is covered).
/// </summary>
public sealed class TrackBuilder(TrackKind kind, int maxGap, Func<long> nextOrder)
{
    public const float MinIoU = 0.3f;

    private readonly List<TrackSightings> _open = [];
    private readonly List<TrackSightings> _closed = [];

    public void Add(int frame, IReadOnlyList<RectF> boxes)
    {
        for (int i = _open.Count - 1; i >= 0; i--)
        {
            if (frame - _open[i].LastFrame > maxGap + 1)
            {
                _closed.Add(_open[i]);
                _open.RemoveAt(i);
            }
        }
        var predicted = _open.Select(t => t.Predict(frame)).ToList();
        var boxTaken = new bool[boxes.Count];
        foreach (var (t, b) in Association.Greedy(_open.Count, boxes.Count, (t, b) => predicted[t].IoU(boxes[b]), MinIoU))
        {
            boxTaken[b] = true;
            _open[t].Seen.Add((frame, boxes[b]));
        }
        for (int b = 0; b < boxes.Count; b++)
        {
            if (boxTaken[b])
                continue;
            var track = new TrackSightings(kind, nextOrder());
            track.Seen.Add((frame, boxes[b]));
            _open.Add(track);
        }
    }

    /// <summary>Every track seen, closed or still open at the end of the video.</summary>
    public IReadOnlyList<TrackSightings> Finish() => [.. _closed, .. _open];
}
