namespace Sightline.Inference;

/// <summary>
/// The matching step of every tracker here: tracks and new boxes paired one to one, the best-overlapping pair
/// first, pairs below the least overlap never made (ties: lower track, then lower box, first).
/// </summary>
public static class Association
{
    public static List<(int Track, int Box)> Greedy(int tracks, int boxes, Func<int, int, float> overlap, float minOverlap)
    {
        var pairs = new List<(float Overlap, int Track, int Box)>();
        for (int t = 0; t < tracks; t++)
        {
            for (int b = 0; b < boxes; b++)
            {
                float o = overlap(t, b);
                if (o >= minOverlap)
                    pairs.Add((o, t, b));
            }
        }
        pairs.Sort((x, y) => y.Overlap != x.Overlap ? y.Overlap.CompareTo(x.Overlap) : x.Track != y.Track ? x.Track.CompareTo(y.Track) : x.Box.CompareTo(y.Box));
        var trackTaken = new bool[tracks];
        var boxTaken = new bool[boxes];
        var matched = new List<(int, int)>();
        foreach (var (_, t, b) in pairs)
        {
            if (trackTaken[t] || boxTaken[b])
                continue;
            (trackTaken[t], boxTaken[b]) = (true, true);
            matched.Add((t, b));
        }
        return matched;
    }
}
