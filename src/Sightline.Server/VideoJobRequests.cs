using System.Text.Json.Serialization;

using Sightline.Rekognition;
using Sightline.StoredVideo;
using Sightline.Storage;

namespace Sightline.Server;

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

/// <summary>StartFaceDetection / StartFaceSearch (AWS or native) to the library's job spec, and the started job back.</summary>
internal static class VideoJobMapping
{
    /// <param name="admitted">A face search's admitted audit entry: the job runs under its case, purpose and role.</param>
    public static async Task<StartVideoJobResponse> StartAsync(this VideoJobs jobs, string kind, StartVideoJobRequest request, string? principal, AuditEntry? admitted,
        CancellationToken ct)
    {
        if (request.NotificationChannel is { ValueKind: not System.Text.Json.JsonValueKind.Null })
            throw SightlineException.InvalidParameter("NotificationChannel (Amazon SNS) is not available on this server; poll Get" + kind + " for the job status.");
        if (kind == VideoJobs.FaceDetection && request.FaceAttributes is not (null or "DEFAULT" or "ALL"))
            throw SightlineException.InvalidParameter("FaceAttributes must be DEFAULT or ALL.");
        var video = request.Video?.S3Object ?? throw SightlineException.InvalidParameter("Video.S3Object is required.");
        var spec = new VideoJobSpec(kind, new VideoSource(video.Bucket, video.Name, video.Version))
        {
            AllAttributes = request.FaceAttributes == "ALL",
            CollectionId = request.CollectionId,
            FaceMatchThreshold = request.FaceMatchThreshold,
            ClientRequestToken = request.ClientRequestToken,
            JobTag = request.JobTag,
        };
        return new StartVideoJobResponse(await jobs.StartAsync(spec, JobAdmission.Of(principal, admitted), ct).ConfigureAwait(false));
    }
}

/// <summary>Runs the stored-video jobs in the background while the server runs.</summary>
internal sealed class VideoJobWorker(VideoJobs jobs) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => jobs.RunAsync(stoppingToken);
}
