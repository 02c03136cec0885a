using Sightline.Inference;
using Sightline.Faces.Analysis;

namespace Sightline.Faces;

/// <summary>Everything the engine measured about one face, in image pixels.</summary>
public sealed record AnalyzedFace
{
    public required RectF Box { get; init; }

    /// <summary>Detector score, 0..1.</summary>
    public required float Score { get; init; }

    public required PointF[] Landmarks { get; init; }

    public required HeadPose Pose { get; init; }

    /// <summary>0..100 each.</summary>
    public required float Brightness { get; init; }

    public required float Sharpness { get; init; }

    public FaceAttributes? Attributes { get; init; }

    /// <summary>L2-normalised embedding, when requested.</summary>
    public float[]? Embedding { get; init; }
}

/// <summary>Estimated attributes; each field says which model or rule produced it (docs/analysis.md, "Face attributes").</summary>
public sealed record FaceAttributes(
    float Age,
    float MaleProbability,
    float EyesOpenProbability,
    float MouthOpenRatio,
    float[] Expression);
