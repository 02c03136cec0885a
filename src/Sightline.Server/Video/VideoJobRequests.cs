using System.Text.Json.Serialization;

namespace Sightline.Server.Video;

public sealed record VideoInput(S3ObjectInput? S3Object);

/// <summary>StartFaceDetection / StartFaceSearch as the AWS SDKs send them.</summary>
public sealed record StartVideoJobRequest(
    VideoInput? Video,
    string? ClientRequestToken,
    System.Text.Json.JsonElement? NotificationChannel,
    string? FaceAttributes,
    string? JobTag,
    string? CollectionId,
    float? FaceMatchThreshold) : IAuditedRequest
{
    float? IAuditedRequest.MatchThreshold => FaceMatchThreshold;

    ImageInput? IAuditedRequest.ProbeInput => Video is { S3Object: { } location } ? new ImageInput(null, location) : null;
}

public sealed record GetVideoJobRequest(string? JobId, int? MaxResults, string? NextToken, string? SortBy) : IAuditedRequest;

[JsonSourceGenerationOptions(MaxDepth = RekognitionRequestReader.MaxDepth)]
[JsonSerializable(typeof(StartVideoJobRequest))]
[JsonSerializable(typeof(GetVideoJobRequest))]
internal sealed partial class VideoJsonContext : JsonSerializerContext;
