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
/// Stored-video jobs (face detection and search, labels, text, segments, person tracking, plates): validated and
/// recorded durably when accepted (at most <see cref="MaxQueuedJobs"/> unfinished; more is LimitExceeded), run one at a
/// time by <see cref="RunAsync"/> under a lease in the database, results stored in the database (where every process
/// sharing it reads them) before the job is marked done. A job a stop interrupted is taken back at the next start; a job whose process died is taken
/// over by another process sharing the database once its lease runs out. Face search and person tracking follow
/// people only within one video.
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

    /// <summary>How long a job's lease lasts without renewal: a node that dies gives its job up to another after this long.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker asks the database for jobs other nodes left or accepted.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    /// <summary>Who this process is among the processes sharing its database: its job leases carry the name, and a process started again under the same name takes its unfinished jobs straight back.</summary>
    public string Node { get; init; } = Environment.MachineName;

    // Wakes the worker when a job is accepted here (other nodes' jobs are found by polling).
    private readonly Channel<bool> _accepted = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
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
        _accepted.Writer.TryWrite(true);
        LogAccepted(logger, id, spec.Kind, spec.Video.Bucket ?? "", spec.Video.Name ?? "");
        return id;
    }

    /// <summary>
    /// Runs jobs one at a time until <paramref name="stoppingToken"/> is cancelled, oldest first, each under a lease
    /// (<see cref="IJobStore.LeaseJobAsync"/>) renewed while it runs: jobs a stop interrupted are taken back at once by
    /// the same <see cref="Node"/>, and those of a node that died are taken over by another once its lease runs out.
    /// A worker that loses a job's lease stops it and leaves it to its new holder.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            StoredJob? job;
            try
            {
                var now = DateTimeOffset.UtcNow;
                job = await jobs.LeaseJobAsync(Node, now, now + Lease, stoppingToken).ConfigureAwait(false);
                if (job is null)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    idle.CancelAfter(Poll);
                    await ((Task)_accepted.Reader.WaitToReadAsync(idle.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    _accepted.Reader.TryRead(out _);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLeaseFailed(logger, ex);
                await Task.Delay(Poll, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            await RunLeasedAsync(job, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunLeasedAsync(StoredJob job, CancellationToken stoppingToken)
    {
        string id = job.JobId;
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewAsync(id, lost, lost.Token);
        try
        {
            if (!Kinds.Contains(job.Kind))
                throw new SightlineException(ErrorKind.InvalidParameter, $"No video job kind {job.Kind}.");
            var results = await RunAsync(job, lost.Token).ConfigureAwait(false);
            if (!await jobs.SaveJobResultsAsync(id, Node, RekognitionJson.Serialize(results, indented: false), stoppingToken).ConfigureAwait(false))
            {
                LogLeaseLost(logger, id); // another server holds the job now and stores its own
                return;
            }
            if (results.Persons is { } persons)
                await SucceedWithLeadsAsync(job, persons, stoppingToken).ConfigureAwait(false);
            else
                await jobs.SetJobStatusAsync(id, "SUCCEEDED", null, DateTimeOffset.UtcNow, stoppingToken).ConfigureAwait(false);
            LogFinished(logger, id, "SUCCEEDED", "");
            await NotifyAsync(id, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (lost.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Stopping (still IN_PROGRESS: taken back at the next start) or the lease was lost (another node runs it):
            // whatever the stop made the job throw (a killed decoder) is not the job's failure.
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
        finally
        {
            await lost.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Renews the job's lease every third of its length; cancels <paramref name="lost"/> when another node holds it now.</summary>
    private async Task RenewAsync(string jobId, CancellationTokenSource lost, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(Lease / 3, ct).ConfigureAwait(false);
            try
            {
                if (await jobs.RenewJobLeaseAsync(jobId, Node, DateTimeOffset.UtcNow + Lease, ct).ConfigureAwait(false))
                    continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLeaseFailed(logger, ex);
                continue; // the database is away for a moment: the lease has two more thirds to run
            }
            LogLeaseLost(logger, jobId);
            await lost.CancelAsync().ConfigureAwait(false);
            return;
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
        // Results are in the database; jobs finished before it kept them were written to the results directory.
        string json = await jobs.GetJobResultsAsync(id, ct).ConfigureAwait(false)
            ?? (File.Exists(ResultPath(id)) ? await File.ReadAllTextAsync(ResultPath(id), ct).ConfigureAwait(false) : null)
            ?? throw new SightlineException(ErrorKind.Internal, $"The results of job {id} are missing.");
        var results = RekognitionJson.Deserialize<VideoJobResults>(json) ?? throw new SightlineException(ErrorKind.Internal, $"The results of job {id} are unreadable.");
        return (job, results, offset, limit);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "video job {JobId} ({Kind}) accepted for s3://{Bucket}/{Name}")]
    private static partial void LogAccepted(ILogger logger, string jobId, string kind, string bucket, string name);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "video job {JobId} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "video job lease could not be taken or renewed; retrying")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "video job {JobId}: its lease is held by another node now; stopped here")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "video job {JobId} {Status} {Message}")]
    private static partial void LogFinished(ILogger logger, string jobId, string status, string message);
}
