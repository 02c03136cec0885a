using Sightline.Imaging;
using Sightline.Inference;
using Sightline.Objects.Detection;
using Sightline.Models;
using Sightline.Rekognition;

namespace Sightline.Objects;

/// <summary>One detected instance before any query filter: its label, calibrated confidence (0–100) and box.</summary>
public sealed record LabelledInstance(string Label, float Confidence, BoundingBox Box);

/// <summary>
/// Labels images with an object detector of the model pack: detections become Rekognition labels with instances
/// (confidence is the detector's calibrated score: how often such a detection was right on coco_dev),
/// their parent labels (Vehicle, Animal) are added with the best child's confidence, then the caller's filters,
/// MinConfidence and MaxLabels apply. One ONNX session for the engine's lifetime; thread-safe.
/// </summary>
public sealed class LabelEngine : IDisposable
{
    public LabelEngine(LabelEngineOptions options)
    {
        var catalog = new ModelCatalog(options.ModelsDirectory);
        Detector = Create(catalog.Resolve(options.Detector, "object-detector"), new InferenceOptions { IntraOpThreads = options.IntraOpThreads });
    }

    public IObjectDetector Detector { get; }

    public string ModelVersion => Detector.ModelId;

    /// <summary>One adapter per family; a family no adapter runs is a configuration error.</summary>
    public static IObjectDetector Create(ModelFile file, InferenceOptions inference) => file.Family switch
    {
        "centernet" => new CenterNetDetector(file, inference),
        "nanodet" => new NanoDetDetector(file, inference),
        _ => throw SightlineException.InvalidParameter($"Model '{file.Id}' has family '{file.Family}', which no object-detector adapter runs. Known: centernet, nanodet."),
    };

    /// <summary>Raw detections at or above <paramref name="minScore"/> (0..1), for evaluation.</summary>
    public List<DetectedObject> Detect(DecodedImage image, float minScore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Detector.Detect(image.Bgr, minScore);
    }

    public DetectLabelsResponse DetectLabels(DecodedImage image, LabelQuery query, CancellationToken cancellationToken) =>
        DetectLabels(image, query, null, cancellationToken).Response;

    /// <summary>
    /// DetectLabels, and also every instance at or above <paramref name="instancesFrom"/> (0–100) before the
    /// query's filters apply (what alert rules see), from one run of the detector.
    /// </summary>
    public (DetectLabelsResponse Response, IReadOnlyList<LabelledInstance> Instances) DetectLabels(DecodedImage image, LabelQuery query, float? instancesFrom,
        CancellationToken cancellationToken)
    {
        var calibration = Detector.Calibration;
        float floor = Math.Min(query.MinConfidence, instancesFrom ?? query.MinConfidence);
        if (floor / 100f > calibration.MaxConfidence)
            return (new DetectLabelsResponse([], ModelVersion), []);
        var detections = Detect(image, calibration.ToScore(floor / 100f), cancellationToken);
        var labels = new Dictionary<string, (float Confidence, List<Instance> Instances)>(StringComparer.Ordinal);
        var instances = new List<LabelledInstance>();
        float w = image.Width, h = image.Height;
        foreach (var d in detections)
        {
            var info = LabelTaxonomy.Coco[d.ClassId];
            float confidence = calibration.ToConfidence(d.Score) * 100f;
            var box = new BoundingBox(d.Box.Width / w, d.Box.Height / h, d.Box.X1 / w, d.Box.Y1 / h);
            if (instancesFrom is { } from && confidence >= from)
                instances.Add(new LabelledInstance(info.Name, confidence, box));
            if (confidence < query.MinConfidence)
                continue;
            if (!labels.TryGetValue(info.Name, out var entry))
                labels[info.Name] = entry = (confidence, []);
            entry.Instances.Add(new Instance(box, confidence));
            labels[info.Name] = (Math.Max(entry.Confidence, confidence), entry.Instances);
            foreach (var parent in info.Parents)
                labels[parent] = labels.TryGetValue(parent, out var p) ? (Math.Max(p.Confidence, confidence), p.Instances) : (confidence, []);
        }
        var result = labels
            .Select(kv => (Info: LabelTaxonomy.Get(kv.Key), kv.Value.Confidence, kv.Value.Instances))
            .Where(l => query.Admits(l.Info))
            .OrderByDescending(l => l.Confidence).ThenBy(l => l.Info.Name, StringComparer.Ordinal)
            .Take(query.MaxLabels ?? int.MaxValue)
            .Select(l => new Label(l.Info.Name, l.Confidence,
                [.. l.Instances.OrderByDescending(i => i.Confidence)],
                [.. l.Info.Parents.Select(p => new Parent(p))],
                [.. l.Info.Aliases.Select(a => new LabelAlias(a))],
                [.. l.Info.Categories.Select(c => new LabelCategory(c))]))
            .ToList();
        return (new DetectLabelsResponse(result, ModelVersion), instances);
    }

    public void Dispose() => Detector.Dispose();
}
