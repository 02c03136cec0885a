using Sightline.Inference;
namespace Sightline.Detectors.Models;

/// <summary>Greedy non-maximum suppression within each class, highest score first (objects of different classes may overlap).</summary>
public static class ClassNms
{
    /// <summary>IoU above which a lower-scoring box of the same class is dropped (the Ultralytics default).</summary>
    public const float DefaultIoU = 0.45f;

    public static List<ObjectDetection> Suppress(List<ObjectDetection> candidates, float iouThreshold = DefaultIoU)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<ObjectDetection>();
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
            if (!suppressed)
                kept.Add(c);
        }
        return kept;
    }
}
