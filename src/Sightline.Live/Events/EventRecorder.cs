using Microsoft.Extensions.Logging;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Sightline.Live.Tracking;
using Sightline.Storage;

namespace Sightline.Live.Events;

/// <summary>
/// Turns one camera's track changes into events: a confirmed track becomes a stored event with its best snapshot
/// (the whole frame, JPEG) and a 'new' message; a better score, a zone change or a change of stillness is an
/// 'update'; a track that ends is an 'end'. Each event's clip is started and ended with it (<see cref="Clips.ClipRecorder"/>).
/// A store failure is logged and the camera goes on.
/// </summary>
public sealed partial class EventRecorder(string camera, IEventStore store, EventHub hub, Alerts.IAlertEvaluator alerts, IFileStore files, Clips.ClipRecorder clips,
    ILogger logger)
{
    public const int SnapshotQuality = 85;
    private readonly Dictionary<string, LiveEventRecord> _open = new(StringComparer.Ordinal);
    private readonly EventPaths _paths = new(files);

    /// <summary>The event's snapshot in the file store.</summary>
    public static string SnapshotKey(string id) => "events/" + id + ".jpg";

    /// <summary>The event's clip in the file store.</summary>
    public static string ClipKey(string id) => "events/" + id + ".mp4";

    public async Task ApplyAsync(TrackChanges changes, Frame frame, Mat bgr, CancellationToken ct)
    {
        foreach (var track in changes.Confirmed)
        {
            bool snapshot = await WriteSnapshotAsync(track.Id, bgr, ct).ConfigureAwait(false);
            var record = new LiveEventRecord(track.Id, camera, track.Label, track.Score, track.TopScore, Normal(track, frame), [.. track.EnteredZones], track.FirstSeen, null,
                snapshot, false, track.Stationary, frame.At);
            await SaveAsync(record, added: true, ct).ConfigureAwait(false);
            _open[track.Id] = record;
            _paths.Begin(track.Id);
            hub.Publish(new LiveEventMessage("new", LiveEventView.From(record, track.CurrentZones, track.Loitering), frame.At));
            await AlertAsync(record, null, ct).ConfigureAwait(false);
        }

        // After the 'new' messages are out (an encoder takes a process start): the pre-roll still holds the frames.
        foreach (var track in changes.Confirmed)
            clips.Start(track.Id, track.FirstSeen);
        foreach (var track in changes.Updated)
        {
            if (!_open.TryGetValue(track.Id, out var before))
                continue;
            bool better = track.TopScore > before.TopScore + 0.5f && await WriteSnapshotAsync(track.Id, bgr, ct).ConfigureAwait(false);
            var record = before with
            {
                Score = track.Score, TopScore = track.TopScore, Box = Normal(track, frame), Zones = [.. track.EnteredZones], Stationary = track.Stationary,
                HasSnapshot = before.HasSnapshot || better, HasClip = before.HasClip || clips.HasClip(track.Id), UpdatedAt = frame.At,
            };
            await SaveAsync(record, added: false, ct).ConfigureAwait(false);
            _open[track.Id] = record;
            hub.Publish(new LiveEventMessage("update", LiveEventView.From(record, track.CurrentZones, track.Loitering), frame.At));
            if (record.Zones.Except(before.Zones).Any())
                await AlertAsync(record, before.Zones, ct).ConfigureAwait(false);
        }
        await EndAsync(changes.Ended, frame.At, ct).ConfigureAwait(false);
    }

    /// <summary>Every analysed frame: the boxes of the open events' objects, for their clips' players.</summary>
    public void Observe(IEnumerable<TrackedObject> tracks, Frame frame) => _paths.Observe(tracks, frame);

    public async Task EndAsync(IReadOnlyList<TrackedObject> ended, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var track in ended)
        {
            if (!_open.Remove(track.Id, out var before))
                continue;
            var record = before with { EndTime = track.LastSeen, UpdatedAt = at, HasClip = before.HasClip || clips.HasClip(track.Id) };
            await WritePathAsync(track.Id).ConfigureAwait(false);
            clips.End(track.Id, track.LastSeen);
            // An end is recorded even when the camera is stopping.
            await SaveAsync(record, added: false, CancellationToken.None).ConfigureAwait(false);
            hub.Publish(new LiveEventMessage("end", LiveEventView.From(record, []), at));
        }
    }

    /// <summary>
    /// A new event, and an event entering a zone it was not in, go through the alert rules (source <c>camera:NAME</c>,
    /// image <c>event:ID</c>); a rule fires once per event, when it starts or when it first enters one of the rule's zones.
    /// </summary>
    private async Task AlertAsync(LiveEventRecord record, IReadOnlyList<string>? zonesBefore, CancellationToken ct)
    {
        try
        {
            var ev = new Alerts.CameraEventAlert(camera, record.Id, record.Label, record.TopScore, record.Box, record.Zones, record.UpdatedAt);
            await alerts.EvaluateEventAsync(ev, zonesBefore, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSaveFailed(logger, camera, record.Id, ex);
        }
    }

    private async Task SaveAsync(LiveEventRecord record, bool added, CancellationToken ct)
    {
        try
        {
            if (added)
                await store.AddEventAsync(record, ct).ConfigureAwait(false);
            else
                await store.UpdateEventAsync(record, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSaveFailed(logger, camera, record.Id, ex);
        }
    }

    /// <summary>
    /// Writes an event's snapshot (JPEG, whole or not at all) to the file store; an <see cref="IOException"/> when it
    /// cannot be written, or the store's error when it cannot be stored.
    /// </summary>
    public static async Task WriteSnapshotAsync(IFileStore files, string id, Mat image, CancellationToken ct)
    {
        Cv2.ImEncode(".jpg", image, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, SnapshotQuality));
        string temp = files.TempPath(SnapshotKey(id));
        try
        {
            await File.WriteAllBytesAsync(temp, jpeg, ct).ConfigureAwait(false);
            await files.PutAsync(SnapshotKey(id), temp, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task WritePathAsync(string id)
    {
        try
        {
            // Written even when the camera is stopping, as the end is.
            await _paths.EndAsync(id, clips.ClipFrames(id), clips.Fps, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSnapshotFailed(logger, camera, id, ex);
        }
    }

    private async Task<bool> WriteSnapshotAsync(string id, Mat bgr, CancellationToken ct)
    {
        try
        {
            await WriteSnapshotAsync(files, id, bgr, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSnapshotFailed(logger, camera, id, ex);
            return false;
        }
    }

    private static NormalBox Normal(TrackedObject t, Frame f) =>
        new(t.Box.X1 / f.Width, t.Box.Y1 / f.Height, t.Box.Width / f.Width, t.Box.Height / f.Height);

    [LoggerMessage(EventId = 70, Level = LogLevel.Error, Message = "camera {Camera}: event {EventId} could not be stored")]
    private static partial void LogSaveFailed(ILogger logger, string camera, string eventId, Exception exception);

    [LoggerMessage(EventId = 71, Level = LogLevel.Error, Message = "camera {Camera}: the snapshot or path of event {EventId} could not be written")]
    private static partial void LogSnapshotFailed(ILogger logger, string camera, string eventId, Exception exception);
}
