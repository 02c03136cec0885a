using Microsoft.Extensions.Logging;
using Sightline.Storage;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sightline.Live.Events;

/// <summary>What one pass of event retention did: per camera (none: removed cameras) what it deleted and what holds spared, and stray files removed.</summary>
public sealed record EventRetentionRun(IReadOnlyList<EventSweep> Sweeps, int StrayFiles);

/// <summary>
/// Applies event retention: a camera's events older than its <see cref="CameraSettings.RetainDays"/>, and those of
/// removed cameras older than <see cref="LiveOptions.OrphanEventDays"/>, are deleted in batches, each recorded in the
/// audit chain in its transaction, except those filed under a case with a legal hold. Their snapshot, clip and path
/// files go from the file store after each batch commits; files left by a crash between the two (or by a clip or
/// snapshot whose event was never stored) are found by their age and removed too, as are temporary files in this
/// server's events directory that no writer can still be using.
/// </summary>
public sealed partial class EventRetention(ICameraStore cameras, IEventStore events, IFileStore files, LiveOptions options, string eventsDirectory, ILogger<EventRetention> logger)
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
        int stray = RemoveTemporaryFiles(now) + await RemoveStrayFilesAsync(now.AddDays(-shortest), ct).ConfigureAwait(false);
        if (stray > 0)
            LogStray(logger, stray);
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
            {
                foreach (string key in (string[])[EventRecorder.SnapshotKey(id), EventRecorder.ClipKey(id), EventPaths.Key(id)])
                    await DeleteAsync(key, ct).ConfigureAwait(false);
            }
            deleted.AddRange(sweep.Deleted);
        }
        while (sweep.Deleted.Count > 0);
        if (deleted.Count + sweep.Held > 0)
            LogSwept(logger, camera ?? "(removed cameras)", deleted.Count, sweep.Held);
        return new EventSweep(camera, deleted, sweep.Held);
    }

    private const string PathSuffix = ".path.json";

    private async Task<int> RemoveStrayFilesAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        var candidates = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var file in files.ListAsync("events", ct).ConfigureAwait(false))
        {
            string name = file.Key["events/".Length..];
            if (file.WrittenAt < olderThan && (name.EndsWith(".jpg", StringComparison.Ordinal) || name.EndsWith(".mp4", StringComparison.Ordinal) || name.EndsWith(PathSuffix, StringComparison.Ordinal)))
            {
                string id = name.EndsWith(PathSuffix, StringComparison.Ordinal) ? name[..^PathSuffix.Length] : Path.GetFileNameWithoutExtension(name);
                if (!candidates.TryGetValue(id, out var keys))
                    candidates[id] = keys = [];
                keys.Add(file.Key);
            }
        }
        if (candidates.Count == 0)
            return 0;
        var stored = await events.ExistingEventsAsync(candidates.Keys, ct).ConfigureAwait(false);
        int removed = 0;
        foreach (var (_, keys) in candidates.Where(c => !stored.Contains(c.Key)))
        {
            foreach (string key in keys)
                removed += await DeleteAsync(key, ct).ConfigureAwait(false) ? 1 : 0;
        }
        return removed;
    }

    /// <summary>Temporary files (a snapshot or clip being written when the process stopped) in this server's events directory.</summary>
    private int RemoveTemporaryFiles(DateTimeOffset now)
    {
        if (!Directory.Exists(eventsDirectory))
            return 0;
        int removed = 0;
        foreach (var file in new DirectoryInfo(eventsDirectory).EnumerateFiles("*.tmp"))
        {
            if (now - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero) <= TemporaryFileAge)
                continue;
            try
            {
                file.Delete();
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogDeleteFailed(logger, file.FullName, ex); // the next pass tries again
            }
        }
        return removed;
    }

    private async Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            return await files.DeleteAsync(key, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDeleteFailed(logger, key, ex); // the next pass finds it as a stray file
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
