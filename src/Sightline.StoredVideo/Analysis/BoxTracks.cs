using Sightline.Inference;
using Sightline.Rekognition;

namespace Sightline.StoredVideo.Analysis;

/// <summary>A box followed through one video: its index (in order of first appearance) and its box at each timestamp it was seen.</summary>
internal sealed record BoxTrack(long Index, IReadOnlyList<(long Timestamp, BoundingBox Box)> Boxes);

/// <summary>
/// Follows boxes from frame to frame: each box joins the track whose last box (moved on by the track's recent
/// motion) it overlaps most (IoU ≥ minIou, best pairs first), among tracks seen in the last maxUnseen milliseconds;
/// else it starts a track. Tracks seen fewer than minDetections times are dropped as noise when the video ends.
/// </summary>
internal sealed class BoxTracks(float minIou, long maxUnseenMillis, int minDetections)
{
    private readonly List<List<(long Timestamp, BoundingBox Box)>> _tracks = [];

    /// <summary>Adds a frame's boxes; returns for each box the number of the track it joined (0, 1, … in order of creation).</summary>
    public int[] Add(long timestamp, IReadOnlyList<BoundingBox> boxes)
    {
        var joined = new int[boxes.Count];
        var live = _tracks.Where(t => timestamp - t[^1].Timestamp <= maxUnseenMillis).ToList();
        var predicted = live.Select(t => Predict(t, timestamp)).ToList();
        var takenBoxes = new bool[boxes.Count];
        foreach (var (t, b) in Association.Greedy(live.Count, boxes.Count, (t, b) => Boxes.Iou(predicted[t], boxes[b]), minIou))
        {
            takenBoxes[b] = true;
            live[t].Add((timestamp, boxes[b]));
            joined[b] = _tracks.IndexOf(live[t]);
        }
        for (int b = 0; b < boxes.Count; b++)
        {
            if (takenBoxes[b])
                continue;
            joined[b] = _tracks.Count;
            _tracks.Add([(timestamp, boxes[b])]);
        }
        return joined;
    }

    /// <summary>Whether track <paramref name="track"/> has not been seen for longer than it may be, as of <paramref name="timestamp"/>.</summary>
    public bool Ended(int track, long timestamp) => timestamp - _tracks[track][^1].Timestamp > maxUnseenMillis;

    /// <summary>How many boxes track <paramref name="track"/> has.</summary>
    public int Count(int track) => _tracks[track].Count;

    /// <summary>The tracks long enough to keep, indexed 0, 1, … in order of first appearance.</summary>
    public IReadOnlyList<BoxTrack> Finish() =>
        [.. _tracks.Where(t => t.Count >= minDetections).OrderBy(t => t[0].Timestamp).Select((t, i) => new BoxTrack(i, t))];

    /// <summary>The track's last box moved on by its motion between its last two boxes (a constant-velocity guess).</summary>
    private static BoundingBox Predict(List<(long Timestamp, BoundingBox Box)> track, long timestamp)
    {
        var (t1, last) = track[^1];
        if (track.Count < 2)
            return last;
        var (t0, before) = track[^2];
        if (t1 == t0)
            return last;
        float k = (float)(timestamp - t1) / (t1 - t0);
        float dx = (last.Left + last.Width / 2 - before.Left - before.Width / 2) * k;
        float dy = (last.Top + last.Height / 2 - before.Top - before.Height / 2) * k;
        return last with { Left = last.Left + dx, Top = last.Top + dy };
    }
}
