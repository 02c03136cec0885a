using Sightline.Inference;
namespace Sightline.Objects.Detection;

/// <summary>
/// Greedy per-class non-maximum suppression, highest score first, capped at <c>maxDetections</c> in all. Only the
/// best <see cref="PreLimit"/> candidates are considered (NanoDet's nms_pre), which bounds the work at low thresholds.
/// </summary>
public static class ObjectNms
{
    public const int PreLimit = 1000;

    public static List<DetectedObject> Suppress(List<DetectedObject> candidates, float iouThreshold, int maxDetections)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        if (candidates.Count > PreLimit)
            candidates.RemoveRange(PreLimit, candidates.Count - PreLimit);
        var kept = new List<DetectedObject>(Math.Min(candidates.Count, maxDetections));
        foreach (var c in candidates)
        {
            bool suppressed = false;
            foreach (var k in kept)
            {
                if (k.ClassId == c.ClassId && k.Box.IoU(c.Box) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }
            if (suppressed)
                continue;
            kept.Add(c);
            if (kept.Count == maxDetections)
                break;
        }
        return kept;
    }
}
