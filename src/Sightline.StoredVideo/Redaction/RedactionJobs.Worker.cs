using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sightline.Storage;

namespace Sightline.StoredVideo.Redaction;

public sealed partial class RedactionJobs
{
    /// <summary>
    /// Runs queued work one job at a time until <paramref name="stoppingToken"/> is cancelled. First runs the redaction
    /// jobs a stop interrupted (planning or exporting; only this service's kind); a job in review waits for its export.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var unfinished = new List<StoredJob>();
        foreach (string status in new[] { Planning, Exporting })
            unfinished.AddRange((await jobs.ListJobsAsync(status, stoppingToken).ConfigureAwait(false)).Where(j => j.Kind == Kind));
        foreach (var job in unfinished.OrderBy(j => j.CreatedAt))
        {
            if (!await RunOneAsync(job.JobId, stoppingToken).ConfigureAwait(false))
                return;
        }
        await foreach (string id in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!await RunOneAsync(id, stoppingToken).ConfigureAwait(false))
                return;
        }
    }

    /// <summary>Plans or exports one job, as its status says; false when the stop interrupted it (it stays as it was, to run again at start).</summary>
    private async Task<bool> RunOneAsync(string id, CancellationToken stoppingToken)
    {
        if (await jobs.GetJobAsync(id, stoppingToken).ConfigureAwait(false) is not { Kind: Kind, Status: Planning or Exporting } job)
            return true;
        try
        {
            if (job.Status == Planning)
                await PlanAsync(job, stoppingToken).ConfigureAwait(false);
            else
                await ExportAsync(job, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SightlineException ex)
        {
            await jobs.SetJobStatusAsync(id, Failed, ex.Message, DateTimeOffset.UtcNow, stoppingToken).ConfigureAwait(false);
            LogFinished(logger, id, Failed, ex.Message);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One bad job must not stop the worker (or the host): it fails, the next one runs.
            await jobs.SetJobStatusAsync(id, Failed, "The job failed inside the server; see the server log for job " + id + ".", DateTimeOffset.UtcNow, stoppingToken).ConfigureAwait(false);
            LogCrashed(logger, ex, id);
            return true;
        }
        finally
        {
            _progress.TryRemove(id, out _);
        }
    }

    private async Task PlanAsync(StoredJob job, CancellationToken ct)
    {
        var (_, request) = await FindAsync(job.JobId, ct).ConfigureAwait(false);
        using var local = await objects.OpenAsync(request.Video.Bucket, request.Video.Name, redactor.Limits.MaxBytes, ct).ConfigureAwait(false);
        var plan = await redactor.PlanAsync(local.Path, request.Options, Progress(job.JobId), ct).ConfigureAwait(false);
        await PutTextAsync(PlanKey(job.JobId), plan.ToJson(), ct).ConfigureAwait(false);
        await jobs.SetJobStatusAsync(job.JobId, Review, null, null, ct).ConfigureAwait(false);
        LogFinished(logger, job.JobId, Review, $"{plan.Tracks.Count} tracks in {plan.Source.Frames} frames");
    }

    private async Task ExportAsync(StoredJob job, CancellationToken ct)
    {
        var (_, request) = await FindAsync(job.JobId, ct).ConfigureAwait(false);
        var plan = await ReadPlanAsync(job.JobId, ct).ConfigureAwait(false) ?? throw new SightlineException(ErrorKind.Internal, $"Job {job.JobId} has no plan.");
        var export = await ReadExportAsync(job.JobId, ct).ConfigureAwait(false) ?? throw new SightlineException(ErrorKind.Internal, $"Job {job.JobId} has no export request.");
        var entry = new AuditEntry(export.By.Actor, export.By.Role, RedactionLog.Operation) { Case = export.By.Case, Purpose = export.By.Purpose };
        using var local = await objects.OpenAsync(request.Video.Bucket, request.Video.Name, redactor.Limits.MaxBytes, ct).ConfigureAwait(false);
        string output = OutputPath(job.JobId);
        await redactor.ExportAsync(local.Path, request.Video.Name ?? "video", plan, new ExportChoices(export.KeepPersons, export.Audio, export.Style, export.Verify), output,
            entry, audit, Progress(job.JobId), ct).ConfigureAwait(false);
        // Stored before the job says SUCCEEDED: whoever sees it succeeded finds both.
        await files.PutAsync(LogKey(job.JobId), RedactionLog.PathFor(output), ct).ConfigureAwait(false);
        await files.PutAsync(OutputKey(job.JobId), output, ct).ConfigureAwait(false);
        await jobs.SetJobStatusAsync(job.JobId, Succeeded, null, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
        LogFinished(logger, job.JobId, Succeeded, "");
    }

    private JobProgress Progress(string id) => new(_progress, id);

    /// <summary>Progress of the running pass as a fraction, kept for the status (reported synchronously: no thread-pool post per frame).</summary>
    private sealed class JobProgress(System.Collections.Concurrent.ConcurrentDictionary<string, double> into, string id) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => into[id] = value.Total > 0 ? Math.Min(1, value.Done / (double)value.Total) : 0;
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "redaction job {JobId} {Status} {Message}")]
    private static partial void LogFinished(ILogger logger, string jobId, string status, string message);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "redaction job {JobId} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string jobId);
}
