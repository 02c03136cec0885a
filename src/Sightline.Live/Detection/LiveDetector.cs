using OpenCvSharp;
using Sightline.Detectors;
using Sightline.Inference;
using Sightline.Objects;
using Sightline.Storage;

namespace Sightline.Live.Detection;

/// <summary>One object seen in a frame: its label as the camera watches it, confidence (0–100) and box in the frame's pixels.</summary>
public readonly record struct LiveDetection(string Label, float Confidence, RectF Box);

/// <summary>
/// Runs the detectors a camera's labels need on a frame: the default detector (COCO, calibrated confidence) for COCO
/// labels, and each registered detector that has one of the camera's other labels (its score as confidence).
/// </summary>
public sealed class LiveDetector(LabelEngine labels, DetectorRegistry registry, IDetectorStore detectors)
{
    private static readonly HashSet<string> s_coco = new(LabelTaxonomy.Coco.Select(c => c.Name.ToLowerInvariant()), StringComparer.OrdinalIgnoreCase);

    /// <summary>Detections of <paramref name="watched"/> labels at or above <paramref name="minConfidence"/> (0–100).</summary>
    public async Task<List<LiveDetection>> DetectAsync(Mat bgr, IReadOnlyList<string> watched, float minConfidence, CancellationToken ct)
    {
        var found = new List<LiveDetection>();
        if (watched.Any(s_coco.Contains))
        {
            var engine = labels.Detector;
            var calibration = engine.Calibration;
            float floor = Math.Min(minConfidence / 100f, calibration.MaxConfidence);
            foreach (var d in engine.Detect(bgr, calibration.ToScore(floor)))
            {
                string label = LabelTaxonomy.Coco[d.ClassId].Name.ToLowerInvariant();
                float confidence = calibration.ToConfidence(d.Score) * 100f;
                if (confidence >= minConfidence && watched.Contains(label, StringComparer.OrdinalIgnoreCase))
                    found.Add(new LiveDetection(label, confidence, d.Box));
            }
        }
        var custom = watched.Where(l => !s_coco.Contains(l)).ToList();
        if (custom.Count == 0)
            return found;
        foreach (var record in await detectors.ListDetectorsAsync(ct).ConfigureAwait(false))
        {
            if (!record.Labels.Any(l => custom.Contains(l, StringComparer.OrdinalIgnoreCase)))
                continue;
            foreach (var (label, score, box) in await registry.DetectFrameAsync(record.Id, bgr, minConfidence / 100f, ct).ConfigureAwait(false))
            {
                if (custom.Contains(label, StringComparer.OrdinalIgnoreCase))
                    found.Add(new LiveDetection(label, score * 100f, box));
            }
        }
        return found;
    }
}
