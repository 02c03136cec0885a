using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Storage;

namespace Sightline.Server;

/// <summary>
/// Applies the collections' retention rules at start and then every <see cref="ServerOptions.RetentionInterval"/>.
/// Each batch it deletes is recorded in the audit chain (actor <c>system:retention</c>) in the same transaction.
/// </summary>
public sealed partial class RetentionWorker(CollectionService collections, ServerOptions options, ILogger<RetentionWorker> logger) : BackgroundService
{
    public static AuditEntry Entry { get; } = new("system:retention", "system", TransparencyReport.RetentionOperation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionInterval);
        do
        {
            try
            {
                await RunOnceAsync(Entry, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex); // the next tick tries again; nothing is half-deleted (each batch is one transaction)
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass; run on request its batches are recorded under the caller's entry, on the timer under <see cref="Entry"/>.</summary>
    public async Task<IReadOnlyList<RetentionSweep>> RunOnceAsync(AuditEntry audit, CancellationToken ct)
    {
        var sweeps = await collections.ApplyRetentionAsync(audit, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
        foreach (var s in sweeps.Where(s => s.Faces.Count + s.Leads + s.HeldFaces + s.HeldLeads > 0))
            LogSwept(logger, s.CollectionId, s.Faces.Count, s.Leads, s.HeldFaces, s.HeldLeads);
        return sweeps;
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "retention in {CollectionId}: deleted {Faces} face(s) and {Leads} lead(s); legal holds kept {HeldFaces} face(s) and {HeldLeads} lead(s)")]
    private static partial void LogSwept(ILogger logger, string collectionId, int faces, int leads, int heldFaces, int heldLeads);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "retention pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
