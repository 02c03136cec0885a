using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sightline.ObjectStorage;
using Sightline.Storage;

namespace Sightline.StoredVideo.Redaction;

/// <summary>
/// Redaction jobs on stored videos, with a person's review between the passes: a job is recorded durably (kind
/// <see cref="Kind"/>) and PLANNING when accepted, waits in REVIEW once its plan is ready, and is EXPORTING only when
/// someone asks for the export with the persons to keep. Work runs one job at a time from a bounded queue
/// (<see cref="RunAsync"/>); plans, export requests, outputs and their logs live in the file store under
/// <c>redactions/ID/</c> (so every server sharing the database reads them; an output is rendered in the local
/// <c>DIRECTORY/ID/</c> first), jobs planning or exporting when the process stopped are run again at start, and a job in
/// review simply waits.
/// </summary>
public sealed partial class RedactionJobs(IJobStore jobs, ObjectStore objects, VideoRedactor redactor, IAuditStore audit, IFileStore files, string directory,
    ILogger<RedactionJobs> logger)
{
    public const string Kind = "Redaction";
    public const string Planning = "PLANNING";
    public const string Review = "REVIEW";
    public const string Exporting = "EXPORTING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const int MaxQueuedJobs = 20;

    private readonly Channel<string> _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueuedJobs) { SingleReader = true });
    private readonly ConcurrentDictionary<string, double> _progress = new(StringComparer.Ordinal);

    /// <summary>Checks the request and the video (a file that is not a video is refused here, not later), records the job and queues its plan.</summary>
    public async Task<string> StartAsync(RedactionRequest request, JobAdmission admission, CancellationToken ct)
    {
        var options = request.Options.Validated();
        objects.Check(request.Video.Bucket, request.Video.Name);
        if (await QueuedAsync(ct).ConfigureAwait(false) >= MaxQueuedJobs)
            throw new SightlineException(ErrorKind.LimitExceeded, $"{MaxQueuedJobs} redaction jobs are already queued or running; retry when one finishes.");
        using (var local = await objects.OpenAsync(request.Video.Bucket, request.Video.Name, redactor.Limits.MaxBytes, ct).ConfigureAwait(false))
            await redactor.ProbeAsync(local.Path, ct).ConfigureAwait(false);
        string id = Guid.NewGuid().ToString("N");
        string json = JsonSerializer.Serialize(request with { Options = options }, RedactionJsonContext.Default.RedactionRequest);
        await jobs.AddJobAsync(new StoredJob(id, Kind, Planning, null, json, null, null, admission.Principal, DateTimeOffset.UtcNow, null)
        {
            Case = admission.Case,
            Purpose = admission.Purpose,
            Role = admission.Role,
        }, ct).ConfigureAwait(false);
        if (!_queue.Writer.TryWrite(id))
        {
            await jobs.SetJobStatusAsync(id, Failed, "The job queue was full.", DateTimeOffset.UtcNow, CancellationToken.None).ConfigureAwait(false);
            throw new SightlineException(ErrorKind.LimitExceeded, $"{MaxQueuedJobs} redaction jobs are already queued; retry when one finishes.");
        }
        LogAccepted(logger, id, request.Video.Bucket ?? "", request.Video.Name ?? "");
        return id;
    }

    /// <summary>A job's status, its plan once made, and its output once exported.</summary>
    public async Task<RedactionJobView> GetAsync(string jobId, CancellationToken ct)
    {
        var (job, request) = await FindAsync(jobId, ct).ConfigureAwait(false);
        var plan = await ReadPlanAsync(job.JobId, ct).ConfigureAwait(false);
        var export = await ReadExportAsync(job.JobId, ct).ConfigureAwait(false);
        IReadOnlyList<int> keep = export?.KeepPersons ?? request.Options.KeepPersons;
        RedactionOutput? output = null;
        if (job.Status == Succeeded && await files.TryGetLocalAsync(LogKey(job.JobId), ct).ConfigureAwait(false) is { } logPath)
        {
            var log = RedactionLog.FromJson(await File.ReadAllTextAsync(logPath, ct).ConfigureAwait(false));
            string logSha = await VideoRedactor.Sha256Async(logPath, ct).ConfigureAwait(false);
            output = new RedactionOutput(log.Output.Sha256, logSha, log.Output.Frames, log.Output.Width, log.Output.Height, log.Output.FrameRate, log.Output.Audio,
                log.Options.KeepPersons, log.Verification);
        }
        double? progress = _progress.TryGetValue(job.JobId, out double p) && job.Status is Planning or Exporting ? Math.Round(p, 3) : null;
        return new RedactionJobView(job.JobId, job.Status, job.StatusMessage, progress, request.Video, request.Options, job.CreatedAt, job.CompletedAt,
            plan is null ? null : PlanSummary.Of(plan, keep.ToHashSet()), output);
    }

    /// <summary>A frame of the source at <paramref name="seconds"/> with the plan's boxes drawn (JPEG); the plan must be ready.</summary>
    public async Task<byte[]> PreviewAsync(string jobId, double seconds, IReadOnlyList<int>? keep, CancellationToken ct)
    {
        var (job, request) = await FindAsync(jobId, ct).ConfigureAwait(false);
        var plan = await ReadPlanAsync(job.JobId, ct).ConfigureAwait(false)
            ?? throw new SightlineException(ErrorKind.ResourceInUse, $"Job {job.JobId} is {job.Status}; its plan is not ready.");
        keep ??= (await ReadExportAsync(job.JobId, ct).ConfigureAwait(false))?.KeepPersons ?? request.Options.KeepPersons;
        using var local = await objects.OpenAsync(request.Video.Bucket, request.Video.Name, redactor.Limits.MaxBytes, ct).ConfigureAwait(false);
        return await redactor.PreviewAsync(local.Path, plan, seconds, keep, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks for the export of a planned job, keeping <paramref name="keepPersons"/> (null: those asked for at the start)
    /// visible; <paramref name="verify"/> runs the face detector over the output before it is released; <paramref name="entry"/>
    /// is who asks, recorded in the audit chain when the output is written.
    /// </summary>
    public async Task ExportAsync(string jobId, IReadOnlyList<int>? keepPersons, bool? audio, CoverStyle? style, bool verify, AuditEntry entry, CancellationToken ct)
    {
        var (job, request) = await FindAsync(jobId, ct).ConfigureAwait(false);
        if (job.Status is not (Review or Succeeded or Failed) || await ReadPlanAsync(job.JobId, ct).ConfigureAwait(false) is not { } plan)
            throw new SightlineException(ErrorKind.ResourceInUse, $"Job {job.JobId} is {job.Status}; it can be exported once its plan is in review.");
        var choices = (request.Options with { KeepPersons = keepPersons ?? request.Options.KeepPersons, Audio = audio ?? request.Options.Audio, Style = style ?? request.Options.Style })
            .Validated();
        plan.CheckKept(choices.KeepPersons);
        if (await QueuedAsync(ct).ConfigureAwait(false) >= MaxQueuedJobs)
            throw new SightlineException(ErrorKind.LimitExceeded, $"{MaxQueuedJobs} redaction jobs are already queued or running; retry when one finishes.");
        var export = new RedactionExportRequest(choices.KeepPersons, choices.Audio, choices.Style, RedactedBy.Of(entry), verify);
        await PutTextAsync(ExportKey(job.JobId), JsonSerializer.Serialize(export, RedactionJsonContext.Default.RedactionExportRequest), ct).ConfigureAwait(false);
        await jobs.SetJobStatusAsync(job.JobId, Exporting, null, null, ct).ConfigureAwait(false);
        if (!_queue.Writer.TryWrite(job.JobId))
        {
            await jobs.SetJobStatusAsync(job.JobId, job.Status, job.StatusMessage, job.CompletedAt, CancellationToken.None).ConfigureAwait(false);
            throw new SightlineException(ErrorKind.LimitExceeded, $"{MaxQueuedJobs} redaction jobs are already queued; retry when one finishes.");
        }
    }

    /// <summary>A local path holding the exported video; ResourceInUse until the job has SUCCEEDED.</summary>
    public Task<string> OutputAsync(string jobId, CancellationToken ct) => SucceededFileAsync(jobId, OutputKey, ct);

    /// <summary>A local path holding the redaction log of a job that SUCCEEDED.</summary>
    public Task<string> LogAsync(string jobId, CancellationToken ct) => SucceededFileAsync(jobId, LogKey, ct);

    private async Task<string> SucceededFileAsync(string jobId, Func<string, string> key, CancellationToken ct)
    {
        var (job, _) = await FindAsync(jobId, ct).ConfigureAwait(false);
        return job.Status == Succeeded && await files.TryGetLocalAsync(key(job.JobId), ct).ConfigureAwait(false) is { } path ? path
            : throw new SightlineException(ErrorKind.ResourceInUse, $"Job {job.JobId} is {job.Status}; its output is ready when it has SUCCEEDED.");
    }

    private async Task<int> QueuedAsync(CancellationToken ct) =>
        (await jobs.ListJobsAsync(Planning, ct).ConfigureAwait(false)).Count(j => j.Kind == Kind)
        + (await jobs.ListJobsAsync(Exporting, ct).ConfigureAwait(false)).Count(j => j.Kind == Kind);

    /// <summary>The job and its request; ResourceNotFound for an id that is not a redaction job (checked before any path is made of it).</summary>
    private async Task<(StoredJob Job, RedactionRequest Request)> FindAsync(string jobId, CancellationToken ct)
    {
        var job = IsJobId(jobId) ? await jobs.GetJobAsync(jobId, ct).ConfigureAwait(false) : null;
        if (job is null || job.Kind != Kind)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"No redaction job {(jobId.Length > 64 ? jobId[..64] + "…" : jobId)}.");
        var request = JsonSerializer.Deserialize(job.RequestJson, RedactionJsonContext.Default.RedactionRequest)
            ?? throw new SightlineException(ErrorKind.Internal, $"The request of job {job.JobId} is unreadable.");
        return (job, request);
    }

    private static bool IsJobId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Where an export is rendered before it is stored: <c>DIRECTORY/ID/output.mp4</c> (the log beside it).</summary>
    private string OutputPath(string id) => Path.Combine(directory, id, "output.mp4");

    private static string PlanKey(string id) => $"redactions/{id}/plan.json";

    private static string ExportKey(string id) => $"redactions/{id}/export.json";

    private static string OutputKey(string id) => $"redactions/{id}/output.mp4";

    private static string LogKey(string id) => $"redactions/{id}/output.redaction.json";

    private async Task<RedactionPlan?> ReadPlanAsync(string id, CancellationToken ct) =>
        await ReadTextAsync(PlanKey(id), ct).ConfigureAwait(false) is { } json ? RedactionPlan.FromJson(json) : null;

    private async Task<RedactionExportRequest?> ReadExportAsync(string id, CancellationToken ct) =>
        await ReadTextAsync(ExportKey(id), ct).ConfigureAwait(false) is { } json ? JsonSerializer.Deserialize(json, RedactionJsonContext.Default.RedactionExportRequest) : null;

    private async Task<string?> ReadTextAsync(string key, CancellationToken ct) =>
        await files.TryGetLocalAsync(key, ct).ConfigureAwait(false) is { } path ? await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) : null;

    private async Task PutTextAsync(string key, string text, CancellationToken ct)
    {
        string temp = files.TempPath(key);
        try
        {
            await File.WriteAllTextAsync(temp, text, ct).ConfigureAwait(false);
            await files.PutAsync(key, temp, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "redaction job {JobId} accepted for s3://{Bucket}/{Name}")]
    private static partial void LogAccepted(ILogger logger, string jobId, string bucket, string name);
}
