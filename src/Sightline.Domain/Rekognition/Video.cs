namespace Sightline.Rekognition;

// Stored-video operations' shapes (StartFaceDetection/GetFaceDetection, StartFaceSearch/GetFaceSearch).

public sealed record S3ObjectRef(string Bucket, string Name);

public sealed record VideoRef(S3ObjectRef S3Object);

public sealed record VideoMetadata(string Codec, long DurationMillis, string Format, float FrameRate, int FrameHeight, int FrameWidth);

public sealed record StartVideoJobResponse(string JobId);

public sealed record FaceDetection(long Timestamp, FaceDetail Face);

/// <summary>
/// A face (face search) or a person (person tracking) followed through one video. Index is per video only: Sightline
/// does not follow people across videos or cameras. Person tracking leaves Face out.
/// </summary>
public sealed record PersonDetail(long Index, BoundingBox BoundingBox, FaceDetail? Face);

public sealed record PersonMatch(long Timestamp, PersonDetail Person, IReadOnlyList<FaceMatch> FaceMatches);

public sealed record GetFaceDetectionResponse(string JobStatus, string JobId)
{
    public string? StatusMessage { get; init; }
    public VideoMetadata? VideoMetadata { get; init; }
    public string? NextToken { get; init; }
    public IReadOnlyList<FaceDetection>? Faces { get; init; }
    public VideoRef? Video { get; init; }
    public string? JobTag { get; init; }
}

public sealed record GetFaceSearchResponse(string JobStatus, string JobId)
{
    public string? StatusMessage { get; init; }
    public VideoMetadata? VideoMetadata { get; init; }
    public string? NextToken { get; init; }
    public IReadOnlyList<PersonMatch>? Persons { get; init; }
    public VideoRef? Video { get; init; }
    public string? JobTag { get; init; }
}

/// <summary>A finished job's results as kept on disk: the list of its kind is set, the others are null.</summary>
public sealed record VideoJobResults(VideoMetadata VideoMetadata, IReadOnlyList<FaceDetection>? Faces, IReadOnlyList<PersonMatch>? Persons)
{
    public IReadOnlyList<LabelDetection>? Labels { get; init; }
    public IReadOnlyList<TextDetectionResult>? TextDetections { get; init; }
    public IReadOnlyList<PersonDetection>? PersonTracks { get; init; }
    public IReadOnlyList<SegmentDetection>? Segments { get; init; }
    public IReadOnlyList<SegmentTypeInfo>? SelectedSegmentTypes { get; init; }
    public IReadOnlyList<AudioMetadata>? AudioMetadata { get; init; }
    public IReadOnlyList<PlateHit>? PlateHits { get; init; }

    /// <summary>Vehicles whose plate was read once each (plate reading); how many hit is <see cref="PlateHits"/>.</summary>
    public int? VehiclesRead { get; init; }

    /// <summary>The model version of the labels or text found (LabelModelVersion, TextModelVersion).</summary>
    public string? ModelVersion { get; init; }
}
