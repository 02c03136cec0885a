using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Inference;

namespace Sightline.Evaluation;

public sealed record DetectResult(int Images, int Faces, int Detections, int Matched, double Recall, double Precision, double IouThreshold);

/// <summary>
/// Detection against labelled boxes (file,x,y,w,h in pixels). Detections are matched one-to-one to labels
/// greedily by IoU, highest first, at IoU ≥ 0.3 (tight dlib-style labels are smaller than modern detector boxes).
/// </summary>
public static class DetectEvaluation
{
    public const double DefaultIou = 0.3;

    public static DetectResult Run(FaceEngine engine, ImageDecoder decoder, string csvPath, string root, double iouThreshold,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var csv = CsvTable.Load(csvPath, "file", "x", "y", "w", "h");
        var labels = csv.Rows.Select((r, i) => (File: csv.Get(r, "file"),
                Box: RectF.FromXywh(csv.GetFloat(r, "x", i), csv.GetFloat(r, "y", i), csv.GetFloat(r, "w", i), csv.GetFloat(r, "h", i))))
            .GroupBy(l => l.File)
            .ToList();
        int detections = 0, matched = 0, faces = 0, done = 0;
        foreach (var group in labels)
        {
            var path = EvalPaths.Resolve(root, group.Key);
            using var image = decoder.DecodeFile(path);
            var found = engine.Detector.Detect(image.Bgr, cancellationToken);
            var truth = group.Select(g => g.Box).ToList();
            faces += truth.Count;
            detections += found.Count;
            matched += Match(found.Select(f => f.Box).ToList(), truth, iouThreshold);
            progress?.Report((++done, labels.Count));
        }
        return new DetectResult(labels.Count, faces, detections, matched,
            faces == 0 ? double.NaN : matched / (double)faces,
            detections == 0 ? double.NaN : matched / (double)detections,
            iouThreshold);
    }

    /// <summary>Greedy one-to-one matching by IoU (<see cref="Association.Greedy"/>); returns the number of matched pairs.</summary>
    public static int Match(List<RectF> predicted, List<RectF> truth, double iouThreshold) =>
        Association.Greedy(predicted.Count, truth.Count, (p, t) => predicted[p].IoU(truth[t]), (float)iouThreshold).Count;
}
