namespace Sightline.Rekognition;

// Collection operations' response shapes (Rekognition JSON 1.1, PascalCase on the wire).

public sealed record Face
{
    public required string FaceId { get; init; }
    public required BoundingBox BoundingBox { get; init; }
    public required string ImageId { get; init; }
    public string? ExternalImageId { get; init; }
    public required float Confidence { get; init; }
    public required string IndexFacesModelVersion { get; init; }
    public string? UserId { get; init; }
}

public sealed record FaceRecord(Face Face, FaceDetail FaceDetail);

public sealed record UnindexedFace(IReadOnlyList<string> Reasons, FaceDetail FaceDetail);

public sealed record IndexFacesResponse(IReadOnlyList<FaceRecord> FaceRecords, string FaceModelVersion, IReadOnlyList<UnindexedFace> UnindexedFaces);

public sealed record CreateCollectionResponse(int StatusCode, string CollectionArn, string FaceModelVersion);

public sealed record DescribeCollectionResponse(long FaceCount, string FaceModelVersion, string CollectionARN, double CreationTimestamp, long UserCount);

public sealed record ListCollectionsResponse(IReadOnlyList<string> CollectionIds, IReadOnlyList<string> FaceModelVersions)
{
    public string? NextToken { get; init; }
}

public sealed record DeleteCollectionResponse(int StatusCode);

public sealed record ListFacesResponse(IReadOnlyList<Face> Faces, string FaceModelVersion)
{
    public string? NextToken { get; init; }
}

/// <summary>A face DeleteFaces left alone, with why (FACE_NOT_FOUND, ASSOCIATED_TO_AN_EXISTING_USER).</summary>
public sealed record UnsuccessfulFaceDeletion(string FaceId, string? UserId, IReadOnlyList<string> Reasons);

public sealed record DeleteFacesResponse(IReadOnlyList<string> DeletedFaces, IReadOnlyList<UnsuccessfulFaceDeletion> UnsuccessfulFaceDeletions);

public sealed record FaceMatch(float Similarity, Face Face);

public sealed record SearchFacesByImageResponse(BoundingBox SearchedFaceBoundingBox, float SearchedFaceConfidence, IReadOnlyList<FaceMatch> FaceMatches, string FaceModelVersion);

public sealed record SearchFacesResponse(string SearchedFaceId, IReadOnlyList<FaceMatch> FaceMatches, string FaceModelVersion);

public sealed record ListTagsForResourceResponse(IReadOnlyDictionary<string, string> Tags);
