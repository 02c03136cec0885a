using Sightline.Rekognition;

namespace Sightline.StoredVideo;

/// <summary>
/// Gives each face in a video a person index that stays with it from frame to frame: a face takes the index of the
/// best-overlapping face (IoU ≥ 0.3) of the previous sampled frame, else a new one. Within one video only.
/// </summary>
public sealed class FaceTracker
{
    private List<(BoundingBox Box, long Index)> _previous = [];
    private long _next;

    public IReadOnlyList<long> Assign(IReadOnlyList<BoundingBox> boxes)
    {
        var result = new long[boxes.Count];
        var taken = new HashSet<long>();
        var current = new List<(BoundingBox, long)>(boxes.Count);
        for (int i = 0; i < boxes.Count; i++)
        {
            long index = -1;
            float overlap = 0;
            foreach (var (box, previous) in _previous)
            {
                float iou = Analysis.Boxes.Iou(box, boxes[i]);
                if (!taken.Contains(previous) && iou > overlap)
                    (index, overlap) = (previous, iou);
            }
            result[i] = overlap >= 0.3f ? index : _next++;
            taken.Add(result[i]);
            current.Add((boxes[i], result[i]));
        }
        _previous = current;
        return result;
    }
}
