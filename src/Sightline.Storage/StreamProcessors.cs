using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Storage;

/// <summary>Rekognition's stream processor states.</summary>
public static class StreamProcessorStatus
{
    public const string Stopped = "STOPPED";
    public const string Starting = "STARTING";
    public const string Running = "RUNNING";
    public const string Failed = "FAILED";
    public const string Stopping = "STOPPING";
    public const string Updating = "UPDATING";
}

/// <summary>A region of interest: a box or a polygon, relative to the frame.</summary>
public sealed record RegionOfInterest(NormalBox? Box, IReadOnlyList<RelativePoint>? Polygon);

/// <summary>
/// A Rekognition stream processor over a registered camera: FaceSearch (a collection, under an authorization) or
/// ConnectedHome (PERSON, PET, PACKAGE, ALL), with where its results go, its regions of interest and its state.
/// </summary>
public sealed record StreamProcessorRecord(
    string Name,
    string Arn,
    string InputArn,
    string Camera,
    string Kind,
    DateTimeOffset CreatedAt)
{
    public const string FaceSearch = "FaceSearch";
    public const string ConnectedHome = "ConnectedHome";

    public string? CollectionId { get; init; }
    public float? FaceMatchThreshold { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    public float? MinConfidence { get; init; }
    public string? KinesisDataStreamArn { get; init; }
    public string? S3Bucket { get; init; }
    public string? S3KeyPrefix { get; init; }
    public string? SnsTopicArn { get; init; }
    public string? RoleArn { get; init; }
    public string? KmsKeyId { get; init; }
    public bool DataSharingOptIn { get; init; }
    public IReadOnlyList<RegionOfInterest> RegionsOfInterest { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public string Status { get; init; } = StreamProcessorStatus.Stopped;
    public string? StatusMessage { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? SessionId { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public int? MaxDurationSeconds { get; init; }

    /// <summary>Who created it (their access key) and under which case and purpose (a FaceSearch processor's).</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>Stream processors: created, changed and deleted under audit; their state kept by the runner without.</summary>
public interface IStreamProcessorStore
{
    /// <summary>Throws ResourceInUse when the name is taken.</summary>
    Task AddStreamProcessorAsync(AuditEntry audit, StreamProcessorRecord processor, CancellationToken cancellationToken);

    Task<StreamProcessorRecord?> GetStreamProcessorAsync(string name, CancellationToken cancellationToken);

    /// <summary>By name.</summary>
    Task<IReadOnlyList<StreamProcessorRecord>> ListStreamProcessorsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the record when its stored status is still <paramref name="expectedStatus"/> (so two changes cannot
    /// both win); audited when <paramref name="audit"/> is given (API calls), not when it is the runner's bookkeeping.
    /// False (nothing written) when it is missing or its status moved on.
    /// </summary>
    Task<bool> UpdateStreamProcessorAsync(AuditEntry? audit, StreamProcessorRecord processor, string expectedStatus, CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when there was none.</summary>
    Task<bool> DeleteStreamProcessorAsync(AuditEntry audit, string name, CancellationToken cancellationToken);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamProcessorRecord))]
public sealed partial class StreamProcessorJson : JsonSerializerContext;

/// <summary>What both providers write: the document column; the audit details name the processor, its camera and kind.</summary>
public static class StreamProcessorDocument
{
    public static string Write(StreamProcessorRecord p) => JsonSerializer.Serialize(p, StreamProcessorJson.Default.StreamProcessorRecord);

    public static StreamProcessorRecord Read(string json, string name) =>
        JsonSerializer.Deserialize(json, StreamProcessorJson.Default.StreamProcessorRecord)
        ?? throw new SightlineException(ErrorKind.Internal, $"The stored stream processor '{name}' is empty.");

    public static string Details(StreamProcessorRecord p) =>
        JsonSerializer.Serialize(new[] { p.Name, p.Camera, p.Kind, p.Status }, CameraJson.Default.StringArray);
}
