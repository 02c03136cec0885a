using Microsoft.Extensions.Logging;
using Sightline.Storage;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sightline.Live.Events;

/// <summary>What one pass of event retention did: per camera (none: removed cameras) what it deleted and what holds spared, and stray files removed.</summary>
public sealed record EventRetentionRun(IReadOnlyList<EventSweep> Sweeps, int StrayFiles);

/// <summary>
/// Applies event retention: a camera's events older than its <see cref="CameraSettings.RetainDays"/>, and those of
/// removed cameras older than <see cref="LiveOptions.OrphanEventDays"/>, are deleted in batches, each recorded in the
/// audit chain in its transaction, except those filed under a case with a legal hold. Their snapshot and clip files
/// go after each batch commits; files left by a crash between the two (or by a clip or snapshot whose event was never
/// stored) are found by their age and removed too, as are temporary files no writer can still be using.
/// </summary>
public sealed partial class EventRetention(ICameraStore cameras, IEventStore events, LiveOptions options, string eventsDirectory, ILogger<EventRetention> logger)
{
    /// <summary>Events deleted per transaction (and per audit record).</summary>
    public const int Batch = 1000;

    /// <summary>A temporary file this old has no writer left: a clip is finished within its longest length plus a little.</summary>
    public static readonly TimeSpan TemporaryFileAge = TimeSpan.FromHours(1);

    public async Task<EventRetentionRun> ApplyAsync(AuditEntry audit, DateTimeOffset now, CancellationToken ct)
    {
        var sweeps = new List<EventSweep>();
        var list = await cameras.ListCamerasAsync(ct).ConfigureAwait(false);
        foreach (var camera in list)
            sweeps.Add(await SweepAsync(audit, camera.Name, now.AddDays(-camera.Settings.RetainDays), ct).ConfigureAwait(false));
        sweeps.Add(await SweepAsync(audit, null, now.AddDays(-options.OrphanEventDays), ct).ConfigureAwait(false));
        // A file older than the shortest retention whose event is not stored is left over: were its event stored and not
        // held, the sweep would have taken it with the files. Younger files may belong to an event being stored now.
        int shortest = list.Select(c => c.Settings.RetainDays).Append(options.OrphanEventDays).Min();
        int stray = await RemoveStrayFilesAsync(now, now.AddDays(-shortest), ct).ConfigureAwait(false);
        return new EventRetentionRun([.. sweeps.Where(s => s.Deleted.Count + s.Held > 0)], stray);
    }

    private async Task<EventSweep> SweepAsync(AuditEntry audit, string? camera, DateTimeOffset cutoff, CancellationToken ct)
    {
        var deleted = new List<string>();
        EventSweep sweep;
        do
        {
            sweep = await events.SweepEventsAsync(audit, camera, cutoff, Batch, ct).ConfigureAwait(false);
            foreach (var id in sweep.Deleted)
                DeleteFiles(id);
            deleted.AddRange(sweep.Deleted);
        }
        while (sweep.Deleted.Count > 0);
        if (deleted.Count + sweep.Held > 0)
            LogSwept(logger, camera ?? "(removed cameras)", deleted.Count, sweep.Held);
        return new EventSweep(camera, deleted, sweep.Held);
    }

    private void DeleteFiles(string id)
    {
        Delete(EventRecorder.SnapshotPath(eventsDirectory, id));
        Delete(EventRecorder.ClipPath(eventsDirectory, id));
        Delete(EventPaths.PathFile(eventsDirectory, id));
    }

    private const string PathSuffix = ".path.json";

    private async Task<int> RemoveStrayFilesAsync(DateTimeOffset now, DateTimeOffset olderThan, CancellationToken ct)
    {
        if (!Directory.Exists(eventsDirectory))
            return 0;
        int removed = 0;
        var candidates = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in new DirectoryInfo(eventsDirectory).EnumerateFiles())
        {
            var written = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
            if (file.Name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                if (now - written > TemporaryFileAge && Delete(file.FullName))
                    removed++;
            }
            else if (written < olderThan && (file.Extension is ".jpg" or ".mp4" || file.Name.EndsWith(PathSuffix, StringComparison.Ordinal)))
            {
                string id = file.Name.EndsWith(PathSuffix, StringComparison.Ordinal) ? file.Name[..^PathSuffix.Length] : Path.GetFileNameWithoutExtension(file.Name);
                if (!candidates.TryGetValue(id, out var files))
                    candidates[id] = files = [];
                files.Add(file.FullName);
            }
        }
        if (candidates.Count == 0)
            return removed;
        var stored = await events.ExistingEventsAsync(candidates.Keys, ct).ConfigureAwait(false);
        foreach (var (id, files) in candidates.Where(c => !stored.Contains(c.Key)))
            removed += files.Count(Delete);
        if (removed > 0)
            LogStray(logger, removed);
        return removed;
    }

    private bool Delete(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger, path, ex); // the next pass finds it as a stray file
            return false;
        }
    }

    [LoggerMessage(EventId = 75, Level = LogLevel.Information, Message = "event retention on {Camera}: deleted {Deleted} event(s) with their files; legal holds kept {Held}")]
    private static partial void LogSwept(ILogger logger, string camera, int deleted, int held);

    [LoggerMessage(EventId = 76, Level = LogLevel.Information, Message = "event retention: removed {Files} stray snapshot, clip or temporary file(s)")]
    private static partial void LogStray(ILogger logger, int files);

    [LoggerMessage(EventId = 77, Level = LogLevel.Warning, Message = "event retention: {Path} could not be deleted")]
    private static partial void LogDeleteFailed(ILogger logger, string path, Exception exception);
}
