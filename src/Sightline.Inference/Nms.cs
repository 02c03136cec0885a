namespace Sightline.Inference;

/// <summary>Greedy non-maximum suppression, highest score first.</summary>
public static class Nms
{
    public static List<DetectedFace> Suppress(IEnumerable<DetectedFace> candidates, float iouThreshold)
    {
        var sorted = candidates.OrderByDescending(c => c.Score).ToList();
        var kept = new List<DetectedFace>(Math.Min(sorted.Count, 64));
        foreach (var candidate in sorted)
        {
            bool suppressed = false;
            foreach (var k in kept)
            {
                if (k.Box.IoU(candidate.Box) > iouThreshold || Contains(k.Box, candidate.Box))
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed)
                kept.Add(candidate);
        }
        return kept;
    }

    // A lower-scoring box lying almost wholly inside a kept one is the same face seen at another scale
    // (part of a face detected as a face); neighbouring faces in a crowd overlap far less than this.
    private static bool Contains(RectF outer, RectF inner) =>
        inner.Area > 0 && outer.Intersection(inner) / inner.Area > 0.8f && inner.Area < outer.Area;
}
