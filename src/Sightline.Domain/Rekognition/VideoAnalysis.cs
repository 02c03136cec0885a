namespace Sightline.Rekognition;

// Stored-video label, text, person tracking and segment detection shapes, as the AWS SDKs read them.

/// <summary>
/// A label at a timestamp (AggregateBy TIMESTAMPS), or over a stretch of the video (AggregateBy SEGMENTS: Timestamp
/// is the start, with start, end and duration, and no instances).
/// </summary>
public sealed record LabelDetection(long Timestamp, Label Label)
{
    public long? StartTimestampMillis { get; init; }
    public long? EndTimestampMillis { get; init; }
    public long? DurationMillis { get; init; }
}

public sealed record GetRequestMetadata(string SortBy, string AggregateBy);

public sealed record GetLabelDetectionResponse(string JobStatus, string JobId)
{
    public string? StatusMessage { get; init; }
    public VideoMetadata? VideoMetadata { get; init; }
    public string? NextToken { get; init; }
    public IReadOnlyList<LabelDetection>? Labels { get; init; }
    public string? LabelModelVersion { get; init; }
    public VideoRef? Video { get; init; }
    public string? JobTag { get; init; }
    public GetRequestMetadata? GetRequestMetadata { get; init; }
}

/// <summary>A line or word of text at the timestamp it appeared (text that stays on screen is reported once).</summary>
public sealed record TextDetectionResult(long Timestamp, TextDetection TextDetection);

public sealed record GetTextDetectionResponse(string JobStatus, string JobId)
{
    public string? StatusMessage { get; init; }
    public VideoMetadata? VideoMetadata { get; init; }
    public string? NextToken { get; init; }
    public IReadOnlyList<TextDetectionResult>? TextDetections { get; init; }
    public string? TextModelVersion { get; init; }
    public VideoRef? Video { get; init; }
    public string? JobTag { get; init; }
}

/// <summary>A person's box at a timestamp; the index follows them within this one video only.</summary>
public sealed record PersonDetection(long Timestamp, PersonDetail Person);

public sealed record GetPersonTrackingResponse(string JobStatus, string JobId)
{
    public string? StatusMessage { get; init; }
    public VideoMetadata? VideoMetadata { get; init; }
    public string? NextToken { get; init; }
    public IReadOnlyList<PersonDetection>? Persons { get; init; }
    public VideoRef? Video { get; init; }
    public string? JobTag { get; init; }
}

public sealed record TechnicalCueSegment(string Type, float Confidence);

public sealed record ShotSegment(long Index, float Confidence);

/// <summary>A shot or a technical cue: times in milliseconds, SMPTE timecodes (HH:MM:SS:FF, ';' before FF when drop-frame) and frame numbers.</summary>
public sealed record SegmentDetection(string Type, long StartTimestampMillis, long EndTimestampMillis, long DurationMillis,
    string StartTimecodeSMPTE, string EndTimecodeSMPTE, string DurationSMPTE, long StartFrameNumber, long EndFrameNumber, long DurationFrames)
{
    public TechnicalCueSegment? TechnicalCueSegment { get; init; }
    public ShotSegment? ShotSegment { get; init; }
}

public sealed record SegmentTypeInfo(string Type, string ModelVersion);

public sealed record AudioMetadata(string Codec, long DurationMillis, long SampleRate, long NumberOfChannels);

public sealed record GetSegmentDetectionResponse(string JobStatus, string JobId)
{
    public string? StatusMessage { get; init; }
    public IReadOnlyList<VideoMetadata>? VideoMetadata { get; init; }
    public IReadOnlyList<AudioMetadata>? AudioMetadata { get; init; }
    public string? NextToken { get; init; }
    public IReadOnlyList<SegmentDetection>? Segments { get; init; }
    public IReadOnlyList<SegmentTypeInfo>? SelectedSegmentTypes { get; init; }
    public VideoRef? Video { get; init; }
    public string? JobTag { get; init; }
}

/// <summary>
/// A vehicle of a stored video whose plate hit a hotlist: when it was best seen, its index within this video, its box
/// then, the plate as read and the entry it hit. Reads that hit no list are not kept.
/// </summary>
public sealed record PlateHit(long Timestamp, long Index, BoundingBox BoundingBox, string Plate, string List, string ListedPlate, string Reason, int Distance, float Confidence);

public sealed record GetPlateReadingResponse(string JobStatus, string JobId)
{
    public string? StatusMessage { get; init; }
    public VideoMetadata? VideoMetadata { get; init; }
    public string? NextToken { get; init; }
    public IReadOnlyList<PlateHit>? Hits { get; init; }
    public int? VehiclesRead { get; init; }
    public VideoRef? Video { get; init; }
    public string? JobTag { get; init; }
}
