using Sightline.Inference;
namespace Sightline.Objects.Detection;

/// <summary>One detected object: a box in image pixels, the index of its class in the detector's class list, a score in [0,1].</summary>
public sealed record DetectedObject(RectF Box, int ClassId, float Score);

/// <summary>An object detector over a fixed class list (COCO-80 for the pack's detectors). Thread-safe.</summary>
public interface IObjectDetector : IDisposable
{
    string ModelId { get; }

    OnnxModel Model { get; }

    IReadOnlyList<string> Classes { get; }

    /// <summary>Raw score to confidence, measured for this family.</summary>
    ScoreCalibration Calibration { get; }

    /// <summary>Detections scoring at least <paramref name="minScore"/>, non-maximum suppressed per class, best first.</summary>
    List<DetectedObject> Detect(OpenCvSharp.Mat bgr, float minScore);

    /// <summary>Fills a buffer of the model's input shape as <see cref="Detect"/> would, for raw benchmarks.</summary>
    (float[] Input, long[] Shape) PrepareInput(OpenCvSharp.Mat bgr);
}
