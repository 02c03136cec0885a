using OpenCvSharp;
using Sightline.Inference;

namespace Sightline.Faces.Detection;

/// <summary>Finds faces in a whole image.</summary>
public interface IFaceDetector : IDisposable
{
    string ModelId { get; }

    IReadOnlyList<DetectedFace> Detect(Mat bgr, CancellationToken cancellationToken);
}

/// <summary>A fixed-input detector that can be pointed at one region of an image (a tile).</summary>
public interface IRegionDetector : IDisposable
{
    string ModelId { get; }

    OnnxModel Model { get; }

    int InputWidth { get; }

    int InputHeight { get; }

    /// <summary>Detections inside <paramref name="region"/>, returned in image coordinates.</summary>
    List<DetectedFace> DetectRegion(Mat bgr, RectF region, float scoreThreshold);
}

public sealed record DetectorOptions
{
    /// <summary>Score threshold; null means the family's measured default.</summary>
    public float? ScoreThreshold { get; init; }

    public float NmsIoU { get; init; } = 0.4f;

    /// <summary>Re-check every candidate at the model's preferred scale (one extra inference per candidate).</summary>
    public bool Confirm { get; init; } = true;

    /// <summary>Model id of a second detector family that confirms candidates; null or empty confirms with the detector itself.</summary>
    public string? Verifier { get; init; } = "blazeface-back256";

    public TilingOptions Tiling { get; init; } = new();

    /// <summary>Tiles and confirmations run at once; defaults to the core count.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}
