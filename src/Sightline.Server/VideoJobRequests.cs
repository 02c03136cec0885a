using System.Text.Json.Serialization;

using Sightline.Rekognition;
using Sightline.StoredVideo;
using Sightline.Storage;

namespace Sightline.Server;

public sealed record VideoInput(S3ObjectInput? S3Object);

public sealed record NotificationChannelInput(string? SNSTopicArn, string? RoleArn);

public sealed record BlackFrameInput(float? MaxPixelThreshold, float? MinCoveragePercentage);

public sealed record TechnicalCueFilterInput(float? MinSegmentConfidence, BlackFrameInput? BlackFrame);

public sealed record ShotFilterInput(float? MinSegmentConfidence);

/// <summary>Filters of StartTextDetection (WordFilter, RegionsOfInterest) or StartSegmentDetection (TechnicalCueFilter, ShotFilter).</summary>
public sealed record VideoFiltersInput(WordFilterInput? WordFilter, IReadOnlyList<RegionOfInterestInput>? RegionsOfInterest,
    TechnicalCueFilterInput? TechnicalCueFilter, ShotFilterInput? ShotFilter);

/// <summary>Any Start* video operation as the AWS SDKs send it: the fields a kind does not take are refused when set.</summary>
public sealed record StartVideoJobRequest(
    VideoInput? Video,
    string? ClientRequestToken,
    NotificationChannelInput? NotificationChannel,
    string? FaceAttributes,
    string? JobTag,
    string? CollectionId,
    float? FaceMatchThreshold) : IAuditedRequest
{
    public float? MinConfidence { get; init; }
    public IReadOnlyList<string>? Features { get; init; }
    public DetectLabelsSettings? Settings { get; init; }
    public VideoFiltersInput? Filters { get; init; }
    public IReadOnlyList<string>? SegmentTypes { get; init; }

    /// <summary>Plate reading (native API): the vehicle or plate labels to read.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    float? IAuditedRequest.MatchThreshold => FaceMatchThreshold;

    ImageInput? IAuditedRequest.ProbeInput => Video is { S3Object: { } location } ? new ImageInput(null, location) : null;
}

public sealed record GetVideoJobRequest(string? JobId, int? MaxResults, string? NextToken, string? SortBy) : IAuditedRequest
{
    public string? AggregateBy { get; init; }
}

[JsonSourceGenerationOptions(MaxDepth = RekognitionRequestReader.MaxDepth)]
[JsonSerializable(typeof(StartVideoJobRequest))]
[JsonSerializable(typeof(GetVideoJobRequest))]
internal sealed partial class VideoJsonContext : JsonSerializerContext;

/// <summary>A Start* video operation (AWS or native) to the library's job spec, and the started job back.</summary>
internal static class VideoJobMapping
{
    /// <param name="admitted">A face search's admitted audit entry: the job runs under its case, purpose and role.</param>
    public static async Task<StartVideoJobResponse> StartAsync(this VideoJobs jobs, string kind, StartVideoJobRequest request, string? principal, AuditEntry? admitted,
        CancellationToken ct)
    {
        var video = request.Video?.S3Object ?? throw SightlineException.InvalidParameter("Video.S3Object is required.");
        Refuse(kind, "FaceAttributes", request.FaceAttributes, VideoJobs.FaceDetection);
        if (kind == VideoJobs.FaceDetection && request.FaceAttributes is not (null or "DEFAULT" or "ALL"))
            throw SightlineException.InvalidParameter("FaceAttributes must be DEFAULT or ALL.");
        Refuse(kind, "CollectionId", request.CollectionId, VideoJobs.FaceSearch);
        Refuse(kind, "FaceMatchThreshold", request.FaceMatchThreshold, VideoJobs.FaceSearch);
        Refuse(kind, "MinConfidence", request.MinConfidence, VideoJobs.LabelDetection);
        Refuse(kind, "Features", request.Features, VideoJobs.LabelDetection);
        Refuse(kind, "Settings", request.Settings, VideoJobs.LabelDetection);
        Refuse(kind, "Filters", request.Filters, VideoJobs.TextDetection, VideoJobs.SegmentDetection);
        Refuse(kind, "SegmentTypes", request.SegmentTypes, VideoJobs.SegmentDetection);
        Refuse(kind, "labels", request.Labels, VideoJobs.PlateReading);
        var spec = new VideoJobSpec(kind, new VideoSource(video.Bucket, video.Name, video.Version))
        {
            AllAttributes = request.FaceAttributes == "ALL",
            CollectionId = request.CollectionId,
            FaceMatchThreshold = request.FaceMatchThreshold,
            ClientRequestToken = request.ClientRequestToken,
            JobTag = request.JobTag,
            Labels = kind == VideoJobs.LabelDetection ? Labels(request) : null,
            Text = kind == VideoJobs.TextDetection ? Text(request.Filters) : null,
            Segments = kind == VideoJobs.SegmentDetection ? Segments(request) : null,
            PlateLabels = request.Labels,
            NotificationTopic = request.NotificationChannel is { } channel
                ? (jobs.Notifications ?? throw SightlineException.InvalidParameter($"NotificationChannel is not available on this server; poll Get{kind}.")).Check(channel.SNSTopicArn, kind)
                : null,
        };
        return new StartVideoJobResponse(await jobs.StartAsync(spec, JobAdmission.Of(principal, admitted), ct).ConfigureAwait(false));
    }

    private static void Refuse(string kind, string field, object? value, params string[] takenBy)
    {
        if (value is not null && !takenBy.Contains(kind))
            throw SightlineException.InvalidParameter($"Start{kind} does not take {field}.");
    }

    private static Objects.LabelQuery Labels(StartVideoJobRequest request)
    {
        if (request.Features is { } features && features.Any(f => f != "GENERAL_LABELS"))
            throw SightlineException.InvalidParameter("Features may only hold GENERAL_LABELS.");
        if (request.Settings?.ImageProperties is not null)
            throw SightlineException.InvalidParameter("Settings.ImageProperties is not supported for video.");
        var general = request.Settings?.GeneralLabels;
        return new Objects.LabelQuery
        {
            MinConfidence = request.MinConfidence ?? 50,
            LabelInclusionFilters = general?.LabelInclusionFilters,
            LabelExclusionFilters = general?.LabelExclusionFilters,
            LabelCategoryInclusionFilters = general?.LabelCategoryInclusionFilters,
            LabelCategoryExclusionFilters = general?.LabelCategoryExclusionFilters,
        }.Validate();
    }

    private static Text.TextFilters Text(VideoFiltersInput? filters)
    {
        if (filters is { TechnicalCueFilter: not null } or { ShotFilter: not null })
            throw SightlineException.InvalidParameter("StartTextDetection's Filters take WordFilter and RegionsOfInterest only.");
        return RekognitionEndpoint.Filters(filters is null ? null : new DetectTextFiltersInput(filters.WordFilter, filters.RegionsOfInterest));
    }

    private static SegmentRequest Segments(StartVideoJobRequest request)
    {
        var filters = request.Filters;
        if (filters is { WordFilter: not null } or { RegionsOfInterest: not null })
            throw SightlineException.InvalidParameter("StartSegmentDetection's Filters take TechnicalCueFilter and ShotFilter only.");
        var cue = filters?.TechnicalCueFilter;
        var defaults = new SegmentRequest([]);
        return new SegmentRequest(request.SegmentTypes ?? throw SightlineException.InvalidParameter("SegmentTypes is required: TECHNICAL_CUE, SHOT or both."))
        {
            ShotMinConfidence = filters?.ShotFilter?.MinSegmentConfidence ?? defaults.ShotMinConfidence,
            CueMinConfidence = cue?.MinSegmentConfidence ?? defaults.CueMinConfidence,
            BlackMaxPixel = cue?.BlackFrame?.MaxPixelThreshold ?? defaults.BlackMaxPixel,
            BlackMinCoverage = cue?.BlackFrame?.MinCoveragePercentage ?? defaults.BlackMinCoverage,
        }.Validate();
    }
}

/// <summary>Runs the stored-video jobs in the background while the server runs.</summary>
internal sealed class VideoJobWorker(VideoJobs jobs) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => jobs.RunAsync(stoppingToken);
}
