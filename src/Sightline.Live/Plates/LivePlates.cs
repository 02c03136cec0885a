using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using Sightline.Alerts;
using Sightline.Inference;
using Sightline.Live.Events;
using Sightline.Live.Tracking;
using Sightline.Storage;
using Sightline.Text;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sightline.Live.Plates;

/// <summary>
/// One camera's plate reading. Each confirmed vehicle track (or plate track, from a site's own plate detector) is
/// read once: on its best view so far — the largest box, the later of equals — when it has been followed for
/// <see cref="ReadAfter"/> or when it ends, whichever comes first. The read runs on the shared detection queue, one
/// at a time per camera, off the camera's frame loop. A read that hits a hotlist becomes an event (label
/// <c>hotlist:LIST</c>, the plate as read, the view as snapshot) and goes to the alert rules; a read that hits nothing
/// is dropped at once. Sightline keeps no history of where vehicles were.
/// </summary>
public sealed partial class LivePlates(string camera, PlateDesk desk, LiveServices live, CameraCounters counters, ILogger logger) : IDisposable
{
    /// <summary>COCO vehicles of the default detector and the usual label of a site's own vehicle detector.</summary>
    public static readonly FrozenSet<string> VehicleLabels = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "car", "motorcycle", "bus", "truck", "vehicle");

    /// <summary>Labels of plate detectors a site may bring: the box is the plate itself.</summary>
    public static readonly FrozenSet<string> PlateLabels = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "license_plate", "licence_plate", "plate");

    public static IEnumerable<string> Labels => VehicleLabels.Concat(PlateLabels).Order(StringComparer.Ordinal);

    /// <summary>Followed this long, a vehicle is read on its best view so far (an alert should not wait for it to leave).</summary>
    public static readonly TimeSpan ReadAfter = TimeSpan.FromSeconds(2);

    /// <summary>Views held at once (one per vehicle waiting to be read): bounds the memory of a busy car park.</summary>
    public const int MaxViews = 16;

    private readonly Dictionary<string, View> _views = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private Task _reading = Task.CompletedTask;

    public static bool Reads(string label) => VehicleLabels.Contains(label) || PlateLabels.Contains(label);

    /// <summary>Keeps the best view of each vehicle seen in this frame and starts a read that is due.</summary>
    public void Observe(IReadOnlyList<TrackedObject> tracks, IReadOnlyList<TrackedObject> ended, Frame frame, Mat bgr, CancellationToken ct)
    {
        foreach (var track in ended)
        {
            if (_views.TryGetValue(track.Id, out var view))
                view.Due = true;
        }
        foreach (var track in tracks)
        {
            if (!track.Confirmed || !Reads(track.Label) || _read.Contains(track.Id))
                continue;
            _views.TryGetValue(track.Id, out var view);
            if (track.LastSeen == frame.At && (view is null ? _views.Count < MaxViews : track.Box.Area >= view.Area))
            {
                view?.Dispose();
                view = _views[track.Id] = View.Of(track, frame, bgr);
            }
            if (view is not null && frame.At - track.FirstSeen >= ReadAfter)
                view.Due = true;
        }
        // Ids of tracks that are gone are forgotten: the set stays as small as the scene.
        _read.RemoveWhere(id => !tracks.Any(t => t.Id == id));
        StartDue(ct);
    }

    private void StartDue(CancellationToken ct)
    {
        if (!_reading.IsCompleted)
            return;
        var (id, view) = _views.FirstOrDefault(v => v.Value.Due);
        if (view is null)
            return;
        var crop = view.Image;
        var pending = live.Queue.TryRun(() => Task.FromResult(desk.Reader.Read(crop, ct)), ct);
        if (pending is null)
            return; // the queue is full: tried again on the next frame
        _views.Remove(id);
        _read.Add(id);
        _reading = FinishAsync(id, view, pending, ct);
    }

    private async Task FinishAsync(string trackId, View view, Task<IReadOnlyList<PlateRead>> pending, CancellationToken ct)
    {
        using (view)
        {
            try
            {
                var plates = await pending.ConfigureAwait(false);
                var hits = await desk.MatchAsync(plates, ct).ConfigureAwait(false);
                // One event per list the vehicle is on (the best read for it).
                var perList = hits.GroupBy(h => h.Hit.List).Select(g => g.MaxBy(h => h.Hit.Confidence)).ToList();
                counters.PlateRead(perList.Count);
                foreach (var (plate, hit) in perList)
                    await RecordAsync(trackId, view, plate, hit, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReadFailed(logger, camera, trackId, ex);
            }
        }
    }

    private async Task RecordAsync(string trackId, View view, PlateRead plate, HotlistHit hit, CancellationToken ct)
    {
        string id = trackId + "-" + hit.List, label = "hotlist:" + hit.List;
        bool snapshot;
        try
        {
            await EventRecorder.WriteSnapshotAsync(live.Files, id, view.Image, ct).ConfigureAwait(false);
            snapshot = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            snapshot = false;
        }
        var record = new LiveEventRecord(id, camera, label, hit.Confidence, hit.Confidence, view.Box, view.Zones, view.At, view.At, snapshot, false, false, DateTimeOffset.UtcNow)
        {
            Plate = plate.Text,
        };
        await live.Events.AddEventAsync(record, ct).ConfigureAwait(false);
        LogHit(logger, camera, id, hit.List, hit.Distance);
        live.Hub.Publish(new LiveEventMessage("new", LiveEventView.From(record with { EndTime = null }, view.Zones), view.At));
        live.Hub.Publish(new LiveEventMessage("end", LiveEventView.From(record, []), view.At));
        await live.Alerts.EvaluateEventAsync(new CameraEventAlert(camera, id, label, hit.Confidence, view.Box, view.Zones, view.At), null, ct).ConfigureAwait(false);
    }

    /// <summary>Waits for a read in flight; vehicles not read yet are not read.</summary>
    public async Task StoppedAsync()
    {
        try
        {
            await _reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        Dispose();
    }

    public void Dispose()
    {
        foreach (var view in _views.Values)
            view.Dispose();
        _views.Clear();
    }

    /// <summary>A vehicle's view: its box with a margin, cut from the frame (a plate box with a wider one), where and when.</summary>
    private sealed class View : IDisposable
    {
        public required Mat Image { get; init; }

        public required NormalBox Box { get; init; }

        public required float Area { get; init; }

        public required IReadOnlyList<string> Zones { get; init; }

        public required DateTimeOffset At { get; init; }

        public bool Due { get; set; }

        public static View Of(TrackedObject track, Frame frame, Mat bgr)
        {
            var b = track.Box;
            float margin = PlateLabels.Contains(track.Label) ? 0.5f : 0.1f;
            float mx = b.Width * margin, my = b.Height * margin;
            int x1 = (int)Math.Clamp(b.X1 - mx, 0, frame.Width - 1), y1 = (int)Math.Clamp(b.Y1 - my, 0, frame.Height - 1);
            int x2 = (int)Math.Clamp(MathF.Ceiling(b.X2 + mx), x1 + 1, frame.Width), y2 = (int)Math.Clamp(MathF.Ceiling(b.Y2 + my), y1 + 1, frame.Height);
            using var roi = new Mat(bgr, new Rect(x1, y1, x2 - x1, y2 - y1));
            return new View
            {
                Image = roi.Clone(),
                Box = new NormalBox(b.X1 / frame.Width, b.Y1 / frame.Height, b.Width / frame.Width, b.Height / frame.Height),
                Area = b.Area,
                Zones = [.. track.EnteredZones],
                At = frame.At,
            };
        }

        public void Dispose() => Image.Dispose();
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Warning, Message = "camera {Camera}: hotlist hit {EventId} on list {List} ({Distance} character(s) off the listed plate)")]
    private static partial void LogHit(ILogger logger, string camera, string eventId, string list, int distance);

    [LoggerMessage(EventId = 91, Level = LogLevel.Error, Message = "camera {Camera}: the plate of track {TrackId} could not be read or recorded")]
    private static partial void LogReadFailed(ILogger logger, string camera, string trackId, Exception exception);
}
