namespace Sightline.Rekognition;

public sealed record ComparedSourceImageFace(BoundingBox BoundingBox, float Confidence);

public sealed record ComparedFace
{
    public required BoundingBox BoundingBox { get; init; }
    public required float Confidence { get; init; }
    public required IReadOnlyList<Landmark> Landmarks { get; init; }
    public required Pose Pose { get; init; }
    public required ImageQuality Quality { get; init; }
}

public sealed record CompareFacesMatch(float Similarity, ComparedFace Face);

public sealed record CompareFacesResponse
{
    public ComparedSourceImageFace? SourceImageFace { get; init; }
    public required IReadOnlyList<CompareFacesMatch> FaceMatches { get; init; }
    public required IReadOnlyList<ComparedFace> UnmatchedFaces { get; init; }
    public string? SourceImageOrientationCorrection { get; init; }
    public string? TargetImageOrientationCorrection { get; init; }
}
