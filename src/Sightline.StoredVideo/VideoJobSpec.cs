using System.Text.Json;
using System.Text.Json.Serialization;
using Sightline.Objects;
using Sightline.Rekognition;
using Sightline.Storage;
using Sightline.Text;

namespace Sightline.StoredVideo;

/// <summary>A video in a bucket the server may read.</summary>
public sealed record VideoSource(string? Bucket, string? Name, string? Version = null);

/// <summary>
/// What a stored-video job is asked to do, whichever API asked: the kind (one of <see cref="VideoJobs.Kinds"/>), the
/// video, and what that kind takes: a search's collection and threshold, label filters, text filters, segment types.
/// </summary>
public sealed record VideoJobSpec(string Kind, VideoSource Video)
{
    public bool AllAttributes { get; init; }
    public string? CollectionId { get; init; }
    public float? FaceMatchThreshold { get; init; }
    public string? ClientRequestToken { get; init; }
    public string? JobTag { get; init; }

    /// <summary>StartLabelDetection's MinConfidence and GENERAL_LABELS filters (MaxLabels unused).</summary>
    public LabelQuery? Labels { get; init; }

    /// <summary>StartTextDetection's Filters.</summary>
    public TextFilters? Text { get; init; }

    /// <summary>StartSegmentDetection's SegmentTypes and Filters.</summary>
    public SegmentRequest? Segments { get; init; }

    /// <summary>A plate reading job's vehicle or plate labels (default COCO's vehicles).</summary>
    public IReadOnlyList<string>? PlateLabels { get; init; }

    /// <summary>NotificationChannel.SNSTopicArn: the topic told of the job's completion, as the server maps it.</summary>
    public string? NotificationTopic { get; init; }

    /// <summary>The job's request as stored with it (the shape StartFaceDetection and StartFaceSearch take, so jobs stored by any version read back).</summary>
    internal string ToJson() => JsonSerializer.Serialize(
        new StoredRequest(new StoredVideo(new StoredObject(Video.Bucket, Video.Name, Video.Version)), AllAttributes ? "ALL" : "DEFAULT", CollectionId, FaceMatchThreshold, ClientRequestToken, JobTag)
        {
            Labels = Labels,
            Text = Text,
            Segments = Segments,
            PlateLabels = PlateLabels,
            NotificationTopic = NotificationTopic,
        },
        StoredJobJsonContext.Default.StoredRequest);

    /// <summary>The spec of a stored job.</summary>
    public static VideoJobSpec Of(StoredJob job)
    {
        var stored = JsonSerializer.Deserialize(job.RequestJson, StoredJobJsonContext.Default.StoredRequest)
            ?? throw new SightlineException(ErrorKind.Internal, $"The request of job {job.JobId} is unreadable.");
        var video = stored.Video?.S3Object;
        return new VideoJobSpec(job.Kind, new VideoSource(video?.Bucket, video?.Name, video?.Version))
        {
            AllAttributes = stored.FaceAttributes == "ALL",
            CollectionId = stored.CollectionId,
            FaceMatchThreshold = stored.FaceMatchThreshold,
            ClientRequestToken = stored.ClientRequestToken,
            JobTag = stored.JobTag,
            Labels = stored.Labels,
            Text = stored.Text,
            Segments = stored.Segments,
            PlateLabels = stored.PlateLabels,
            NotificationTopic = stored.NotificationTopic,
        };
    }
}

/// <summary>Who started a job and under which case and purpose: a face search's matches become leads under them.</summary>
public sealed record JobAdmission(string? Principal, string? Role, string? Case, string? Purpose)
{
    public static JobAdmission Of(string? principal, AuditEntry? admittedUnder) => new(principal, admittedUnder?.Role, admittedUnder?.Case, admittedUnder?.Purpose);
}

internal sealed record StoredObject(string? Bucket, string? Name, string? Version);

internal sealed record StoredVideo(StoredObject? S3Object);

internal sealed record StoredRequest(StoredVideo? Video, string? FaceAttributes, string? CollectionId, float? FaceMatchThreshold, string? ClientRequestToken, string? JobTag)
{
    public LabelQuery? Labels { get; init; }
    public TextFilters? Text { get; init; }
    public SegmentRequest? Segments { get; init; }
    public IReadOnlyList<string>? PlateLabels { get; init; }
    public string? NotificationTopic { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredRequest))]
internal sealed partial class StoredJobJsonContext : JsonSerializerContext;
