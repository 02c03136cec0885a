using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Hosting;
using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Server;

/// <summary>
/// Applies the collections' retention rules and the cameras' event retention at start and then every
/// <see cref="ServerOptions.RetentionInterval"/>. Each batch it deletes is recorded in the audit chain (actor
/// <c>system:retention</c>) in the same transaction. Where several servers share one database, one sweeps: the one
/// holding the <c>retention</c> work lease (two intervals long, renewed at each pass), and another once it runs out;
/// every server prunes what it keeps of shared files no longer stored (<see cref="IFileStore.PruneAsync"/>).
/// </summary>
public sealed partial class RetentionWorker(CollectionService collections, EventRetention events, ServerOptions options, IJobStore leases, SightlineOptions core,
    IFileStore files, ILogger<RetentionWorker> logger) : BackgroundService
{
    public const string Work = "retention";

    public static AuditEntry Entry { get; } = new("system:retention", "system", TransparencyReport.RetentionOperation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionInterval);
        do
        {
            try
            {
                var now = DateTimeOffset.UtcNow;
                if (await leases.HoldWorkAsync(Work, core.Node, now, now + 2 * options.RetentionInterval, stoppingToken).ConfigureAwait(false))
                    await RunOnceAsync(Entry, stoppingToken).ConfigureAwait(false);
                else
                    LogElsewhere(logger);
                if (await files.PruneAsync(stoppingToken).ConfigureAwait(false) is > 0 and int pruned)
                    LogPruned(logger, pruned);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex); // the next tick tries again; nothing is half-deleted (each batch is one transaction)
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass; run on request its batches are recorded under the caller's entry, on the timer under <see cref="Entry"/>.</summary>
    public async Task<RetentionRun> RunOnceAsync(AuditEntry audit, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var sweeps = await collections.ApplyRetentionAsync(audit, now, ct).ConfigureAwait(false);
        foreach (var s in sweeps.Where(s => s.Faces.Count + s.Leads + s.HeldFaces + s.HeldLeads > 0))
            LogSwept(logger, s.CollectionId, s.Faces.Count, s.Leads, s.HeldFaces, s.HeldLeads);
        return new RetentionRun(sweeps, await events.ApplyAsync(audit, now, ct).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "retention in {CollectionId}: deleted {Faces} face(s) and {Leads} lead(s); legal holds kept {HeldFaces} face(s) and {HeldLeads} lead(s)")]
    private static partial void LogSwept(ILogger logger, string collectionId, int faces, int leads, int heldFaces, int heldLeads);

    [LoggerMessage(EventId = 32, Level = LogLevel.Debug, Message = "retention: another server sharing the database holds the sweep")]
    private static partial void LogElsewhere(ILogger logger);

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "retention: removed {Files} local copy(ies) of shared files no longer stored")]
    private static partial void LogPruned(ILogger logger, int files);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "retention pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>One retention pass: the collections' sweeps and the events'.</summary>
public sealed record RetentionRun(IReadOnlyList<RetentionSweep> Collections, EventRetentionRun Events)
{
    /// <summary>As the API and the CLI print it.</summary>
    public object ToView() => new
    {
        collections = Collections.Select(s => new { s.CollectionId, deletedFaces = s.Faces.Count, deletedLeads = s.Leads, s.HeldFaces, s.HeldLeads }),
        events = new
        {
            cameras = Events.Sweeps.Select(s => new { camera = s.Camera, deletedEvents = s.Deleted.Count, heldEvents = s.Held }),
            strayFiles = Events.StrayFiles,
        },
    };
}
