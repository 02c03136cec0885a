using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sightline.Alerts;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Live.Detection;
using Sightline.Live.Plates;
using Sightline.Objects;
using Sightline.ObjectStorage;
using Sightline.StoredVideo.Analysis;
using Sightline.Text;
using Sightline.Rekognition;
using Sightline.Storage;
using Sightline.Video;

namespace Sightline.StoredVideo;

/// <summary>
/// Stored-video jobs (face detection and search, labels, text, segments, person tracking): validated and recorded durably when accepted, queued in a
/// bounded queue (a full queue is LimitExceeded), run one at a time by <see cref="RunAsync"/>, results written
/// atomically to <c>ID.json</c> in the results directory. Jobs still in progress when the process stopped are run
/// again at start. Face search and person tracking follow people only within one video.
/// </summary>
public sealed partial class VideoJobs(IJobStore jobs, ObjectStore objects, FaceEngine engine, CollectionService collections, LabelEngine labels, TextEngine text,
    PlateDesk plates, LiveDetector detector, string resultsDirectory, ILogger<VideoJobs> logger, JobNotifications? notifications = null)
{
    public const string FaceDetection = "FaceDetection";
    public const string FaceSearch = "FaceSearch";
    public const string LabelDetection = "LabelDetection";
    public const string TextDetection = "TextDetection";
    public const string SegmentDetection = "SegmentDetection";
    public const string PersonTracking = "PersonTracking";

    /// <summary>Plates of the vehicles in a stored video against the hotlists (native API only: Rekognition has no such job).</summary>
    public const string PlateReading = "PlateReading";

    /// <summary>The kinds of job this service runs (their Start/Get operations are Start{Kind} and Get{Kind}).</summary>
    public static readonly IReadOnlyList<string> Kinds = [FaceDetection, FaceSearch, LabelDetection, TextDetection, SegmentDetection, PersonTracking, PlateReading];

    public const int MaxQueuedJobs = 20;
    private const string InProgress = "IN_PROGRESS";

    /// <summary>Where jobs started with a NotificationChannel are told of their completion; null when none is mapped.</summary>
    public JobNotifications? Notifications => notifications;

    private readonly Channel<string> _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueuedJobs) { SingleReader = true });
    private readonly VideoLimits _limits = new();

    /// <summary>Accepts a job (or, for a client request token seen before, returns the job it started) and queues it.</summary>
    public async Task<string> StartAsync(VideoJobSpec spec, JobAdmission admission, CancellationToken ct)
    {
        if (!Kinds.Contains(spec.Kind))
            throw SightlineException.InvalidParameter($"No video job kind {spec.Kind}.");
        if (spec.ClientRequestToken is { Length: 0 or > 64 })
            throw SightlineException.InvalidParameter("ClientRequestToken must be 1 to 64 characters.");
        if (spec.JobTag is { } tag && (tag.Length is 0 or > 1024 || tag.Any(char.IsControl)))
            throw SightlineException.InvalidParameter("JobTag must be 1 to 1024 printable characters.");
        if (spec.ClientRequestToken is { } token && await jobs.FindJobByTokenAsync(spec.Kind, token, ct).ConfigureAwait(false) is { } earlier)
            return earlier.JobId; // the same request again (an SDK retry): the same job
        objects.Check(spec.Video.Bucket, spec.Video.Name);
        if (spec.Kind == FaceSearch)
        {
            await collections.RequireSearchableAsync(spec.CollectionId ?? throw SightlineException.InvalidParameter("CollectionId is required."), ct).ConfigureAwait(false);
            Validate.Threshold("FaceMatchThreshold", spec.FaceMatchThreshold, CollectionService.DefaultFaceMatchThreshold);
        }
        spec.Labels?.Validate();
        if (spec.PlateLabels is { } plateLabels && (plateLabels.Count is 0 or > 8 || plateLabels.Any(l => !LivePlates.Reads(l))))
            throw SightlineException.InvalidParameter($"labels (the vehicles or plates to read) must be 1 to 8 of: {string.Join(", ", LivePlates.Labels)}.");
        spec.Segments?.Validate();
        if (spec.Kind == SegmentDetection && spec.Segments is null)
            throw SightlineException.InvalidParameter("SegmentTypes is required: TECHNICAL_CUE, SHOT or both.");
        if ((await jobs.ListJobsAsync(InProgress, ct).ConfigureAwait(false)).Count >= MaxQueuedJobs)
            throw new SightlineException(ErrorKind.LimitExceeded, $"{MaxQueuedJobs} video jobs are already queued or running; retry when one finishes.");
        string id = Guid.NewGuid().ToString("N");
        // A face search runs under the case and purpose its start was admitted with; its matches become leads under them.
        await jobs.AddJobAsync(new StoredJob(id, spec.Kind, InProgress, null, spec.ToJson(), spec.ClientRequestToken, spec.JobTag, admission.Principal, DateTimeOffset.UtcNow, null)
        {
            Case = admission.Case,
            Purpose = admission.Purpose,
            Role = admission.Role,
        }, ct).ConfigureAwait(false);
        if (!_queue.Writer.TryWrite(id))
        {
            // The job is stored: its failure is recorded even for a caller that went away.
            await jobs.SetJobStatusAsync(id, "FAILED", "The job queue was full.", DateTimeOffset.UtcNow, CancellationToken.None).ConfigureAwait(false);
            throw new SightlineException(ErrorKind.LimitExceeded, $"{MaxQueuedJobs} video jobs are already queued; retry when one finishes.");
        }
        LogAccepted(logger, id, spec.Kind, spec.Video.Bucket ?? "", spec.Video.Name ?? "");
        return id;
    }

    /// <summary>Runs queued jobs one at a time until <paramref name="stoppingToken"/> is cancelled; first requeues those a stop interrupted.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        foreach (var unfinished in await jobs.ListJobsAsync(InProgress, stoppingToken).ConfigureAwait(false))
        {
            if (Kinds.Contains(unfinished.Kind))
                await _queue.Writer.WriteAsync(unfinished.JobId, stoppingToken).ConfigureAwait(false);
        }
        await foreach (string id in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (await jobs.GetJobAsync(id, stoppingToken).ConfigureAwait(false) is not { Status: InProgress } job)
                continue;
            try
            {
                var results = await RunAsync(job, stoppingToken).ConfigureAwait(false);
                Directory.CreateDirectory(resultsDirectory);
                string path = ResultPath(id), temp = path + ".tmp";
                await File.WriteAllTextAsync(temp, RekognitionJson.Serialize(results, indented: false), stoppingToken).ConfigureAwait(false);
                File.Move(temp, path, overwrite: true);
                if (results.Persons is { } persons)
                    await SucceedWithLeadsAsync(job, persons, stoppingToken).ConfigureAwait(false);
                else
                    await jobs.SetJobStatusAsync(id, "SUCCEEDED", null, DateTimeOffset.UtcNow, stoppingToken).ConfigureAwait(false);
                LogFinished(logger, id, "SUCCEEDED", "");
                await NotifyAsync(id, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // still IN_PROGRESS: run again at the next start
            }
            catch (SightlineException ex)
            {
                await jobs.SetJobStatusAsync(id, "FAILED", ex.Message, DateTimeOffset.UtcNow, stoppingToken).ConfigureAwait(false);
                LogFinished(logger, id, "FAILED", ex.Message);
                await NotifyAsync(id, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad job must not stop the worker (or the host): it fails, the next one runs.
                await jobs.SetJobStatusAsync(id, "FAILED", "The job failed inside the server; see the server log for request " + id + ".", DateTimeOffset.UtcNow, stoppingToken).ConfigureAwait(false);
                LogCrashed(logger, ex, id);
                await NotifyAsync(id, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A face search job's matches are leads for human review, like a search's: one per matched face (its best
    /// similarity in the video), recorded with the job's case and purpose in one audited transaction that also marks
    /// the job SUCCEEDED, so a crash between the two cannot make a resumed job record its leads twice.
    /// </summary>
    private async Task SucceedWithLeadsAsync(StoredJob job, IReadOnlyList<PersonMatch> persons, CancellationToken ct)
    {
        var matches = LeadMatches.BestPerFace(persons.SelectMany(p => p.FaceMatches));
        var spec = VideoJobSpec.Of(job);
        var entry = new AuditEntry(job.CreatedBy ?? "unknown", job.Role ?? "unknown", Access.TransparencyReport.FaceSearchResults)
        {
            Case = job.Case,
            Purpose = job.Purpose,
            CollectionId = spec.CollectionId,
            Threshold = Identification.MatchThreshold.Recordable(spec.FaceMatchThreshold),
            Probe = "job:" + job.JobId,
            Details = Identification.LeadDetails.Of(matches),
        };
        await jobs.SucceedWithLeadsAsync(job.JobId, entry, matches, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
    }

    /// <summary>Tells the job's notification topic, if it named one, that the job ended.</summary>
    private async Task NotifyAsync(string jobId, CancellationToken ct)
    {
        if (notifications is not null && await jobs.GetJobAsync(jobId, ct).ConfigureAwait(false) is { } ended)
            await notifications.NotifyAsync(ended, VideoJobSpec.Of(ended), ct).ConfigureAwait(false);
    }

    private string ResultPath(string jobId) => Path.Combine(resultsDirectory, jobId + ".json");

    private async Task<VideoJobResults> RunAsync(StoredJob job, CancellationToken ct)
    {
        var spec = VideoJobSpec.Of(job);
        using var local = await objects.OpenAsync(spec.Video.Bucket, spec.Video.Name, _limits.MaxBytes, ct).ConfigureAwait(false);
        return (await AnalyseAsync(spec, "job:" + job.JobId, local.Path, ct).ConfigureAwait(false)).Results;
    }

    /// <summary>
    /// Runs a job's analysis on a local file without recording a job (the CLI, benchmarks): the results and the
    /// number of frames analysed. Frames are looked at <see cref="VideoLimits.Parallelism"/> at once.
    /// </summary>
    public async Task<(VideoJobResults Results, int Frames)> AnalyseAsync(VideoJobSpec spec, string imageRef, string path, CancellationToken ct,
        IProgress<(int Done, int Total)>? progress = null, int? parallelism = null)
    {
        var info = await VideoProbe.ProbeAsync(path, _limits, ct).ConfigureAwait(false);
        var metadata = new VideoMetadata(info.Codec, info.DurationMillis, info.Format, (float)info.FrameRate, info.Height, info.Width);
        var analysis = Create(spec, imageRef);
        int expected = (int)Math.Ceiling(info.DurationMillis / 1000.0 * (analysis.Sampling.Fps ?? Math.Max(1, info.FrameRate)));
        try
        {
            int frames = await analysis.RunAsync(VideoFrames.ReadAsync(path, info, analysis.Sampling, ct), parallelism ?? _limits.Parallelism,
                progress is null ? null : done => progress.Report((done, expected)), ct).ConfigureAwait(false);
            return (await analysis.FinishAsync(metadata, info, ct).ConfigureAwait(false), frames);
        }
        finally
        {
            (analysis as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// The benchmark's reference: the seconds ONNX Runtime spends in the job's models on the same frames, decoded
    /// beforehand into memory and looked at one at a time with nothing else running.
    /// </summary>
    public async Task<double> ModelSecondsAsync(VideoJobSpec spec, string path, CancellationToken ct)
    {
        var info = await VideoProbe.ProbeAsync(path, _limits, ct).ConfigureAwait(false);
        var analysis = Create(spec, "bench");
        var frames = new List<(long, Imaging.DecodedImage)>();
        try
        {
            await foreach (var frame in VideoFrames.ReadAsync(path, info, analysis.Sampling, ct).ConfigureAwait(false))
                frames.Add(frame);
            double before = Models().Sum(m => m.RunTime.TotalSeconds);
            await analysis.LookOnlyAsync(frames, ct).ConfigureAwait(false);
            return Models().Sum(m => m.RunTime.TotalSeconds) - before;
        }
        finally
        {
            foreach (var (_, frame) in frames)
                frame.Dispose();
            (analysis as IDisposable)?.Dispose();
        }
    }

    private IEnumerable<Inference.OnnxModel> Models() => engine.LoadedModels.Append(labels.Detector.Model).Concat(text.Models).Distinct();

    private IVideoAnalysis Create(VideoJobSpec spec, string imageRef)
    {
        if (!Kinds.Contains(spec.Kind) || (spec.Kind == FaceSearch && spec.CollectionId is null))
            throw SightlineException.InvalidParameter($"No video job kind {spec.Kind} (a face search needs a collection).");
        double rate = _limits.SampleFps;
        return spec.Kind switch
        {
            FaceDetection or FaceSearch => new FaceAnalysis(engine, collections, spec, rate),
            LabelDetection => new LabelAnalysis(labels, spec.Labels ?? new LabelQuery { MinConfidence = 50 }, rate),
            TextDetection => new TextAnalysis(text, spec.Text ?? new TextFilters(), rate),
            PersonTracking => new PersonAnalysis(labels, rate),
            PlateReading => new PlateAnalysis(detector, spec.PlateLabels ?? PlateAnalysis.DefaultLabels, plates, imageRef, rate),
            _ => new SegmentAnalysis(spec.Segments ?? new SegmentRequest([SegmentRequest.Shot, SegmentRequest.TechnicalCue])),
        };
    }

    /// <summary>The kind of a job (one of <see cref="Kinds"/>); ResourceNotFound when there is none.</summary>
    public async Task<string> KindOfAsync(string jobId, CancellationToken ct) =>
        (jobId.Length is > 0 and <= 64 ? (await jobs.GetJobAsync(jobId, ct).ConfigureAwait(false))?.Kind : null) ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No video job {jobId}.");

    /// <summary>A job's status and, once it succeeded, a page of its results (<paramref name="nextToken"/> as this service issued it).</summary>
    public async Task<(StoredJob Job, VideoJobResults? Results, int Offset, int Limit)> GetAsync(string kind, string? jobId, int? maxResults, string? nextToken,
        CancellationToken ct)
    {
        if (jobId is not { Length: > 0 and <= 64 } id)
            throw SightlineException.InvalidParameter("JobId is required (1 to 64 characters).");
        var job = await jobs.GetJobAsync(id, ct).ConfigureAwait(false);
        if (job is null || job.Kind != kind)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"No {kind} job {id}.");
        int limit = Validate.Range("MaxResults", maxResults, 1000, 1, 1000);
        int offset = 0;
        if (nextToken is { Length: > 0 } token && (!int.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out offset) || offset < 0))
            throw SightlineException.InvalidParameter("NextToken is not one this server issued.");
        if (job.Status != "SUCCEEDED")
            return (job, null, 0, limit);
        var results = RekognitionJson.Deserialize<VideoJobResults>(await File.ReadAllTextAsync(ResultPath(id), ct).ConfigureAwait(false))
            ?? throw new SightlineException(ErrorKind.Internal, $"The results of job {id} are unreadable.");
        return (job, results, offset, limit);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "video job {JobId} ({Kind}) accepted for s3://{Bucket}/{Name}")]
    private static partial void LogAccepted(ILogger logger, string jobId, string kind, string bucket, string name);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "video job {JobId} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "video job {JobId} {Status} {Message}")]
    private static partial void LogFinished(ILogger logger, string jobId, string status, string message);
}
