using Sightline.Inference;
using Sightline.Live.Detection;
using Sightline.Storage;

namespace Sightline.Live.Tracking;

/// <summary>What changed in a camera's tracks with one frame.</summary>
public sealed record TrackChanges(IReadOnlyList<TrackedObject> Confirmed, IReadOnlyList<TrackedObject> Updated, IReadOnlyList<TrackedObject> Ended);

/// <summary>
/// A SORT-style multi-object tracker for one camera: detections are matched to tracks of the same label by IoU
/// against each track's constant-velocity prediction (greedy, best overlap first); unmatched detections start tentative
/// tracks; a track is confirmed after <see cref="TrackerOptions.ConfirmFrames"/> hits when its median score reaches
/// <see cref="TrackerOptions.MinMedianScore"/>, and ends when unseen for <see cref="TrackerOptions.MaxUnseen"/>. Zones
/// test the bottom centre of the box (where a person stands), with a few frames of inertia; a zone with a loitering
/// time counts only once the object has stayed in it that long.
/// </summary>
public sealed class ObjectTracker(IReadOnlyList<CameraZone> zones, TrackerOptions options)
{
    private readonly List<TrackedObject> _tracks = [];

    public IReadOnlyList<TrackedObject> Tracks => _tracks;

    /// <summary>Feeds one frame's detections (the detector ran on it); frame size for zones and stillness.</summary>
    public TrackChanges Update(IReadOnlyList<LiveDetection> detections, int width, int height, DateTimeOffset at)
    {
        var trackUsed = new bool[_tracks.Count];
        var detectionUsed = new bool[detections.Count];
        var confirmed = new List<TrackedObject>();
        var updated = new List<TrackedObject>();
        float still = options.StillShare * Math.Max(width, height);
        // A detection of another label never joins a track: its overlap counts as none.
        foreach (var (t, d) in Association.Greedy(_tracks.Count, detections.Count, (t, d) =>
            string.Equals(_tracks[t].Label, detections[d].Label, StringComparison.OrdinalIgnoreCase)
                ? Math.Max(_tracks[t].Predicted.IoU(detections[d].Box), _tracks[t].Box.IoU(detections[d].Box)) : -1f, options.MinIou))
        {
            (trackUsed[t], detectionUsed[d]) = (true, true);
            var track = _tracks[t];
            float topBefore = track.TopScore;
            bool stationaryBefore = track.Stationary;
            track.Update(detections[d].Box, detections[d].Confidence, at, still, options.StationaryAfter);
            bool zonesChanged = track.UpdateZones(ZonesOf(track, width, height), options.ZoneInertia, at);
            if (!track.Confirmed && track.Hits >= options.ConfirmFrames && track.MedianScore >= options.MinMedianScore)
            {
                track.Confirmed = true;
                confirmed.Add(track);
            }
            else if (track.Confirmed && (zonesChanged || track.TopScore > topBefore || track.Stationary != stationaryBefore))
            {
                updated.Add(track);
            }
        }
        for (int t = 0; t < _tracks.Count; t++)
        {
            if (!trackUsed[t])
                _tracks[t].Missed();
        }
        for (int d = 0; d < detections.Count; d++)
        {
            if (detectionUsed[d])
                continue;
            var track = new TrackedObject(NewId(at), detections[d].Label, detections[d].Box, detections[d].Confidence, at);
            track.UpdateZones(ZonesOf(track, width, height), options.ZoneInertia, at);
            _tracks.Add(track);
        }
        return new TrackChanges(confirmed, updated, Expire(at));
    }

    /// <summary>Ends the tracks unseen for too long (also called on frames the detector did not run on).</summary>
    public IReadOnlyList<TrackedObject> Expire(DateTimeOffset at)
    {
        var ended = _tracks.Where(t => at - t.LastSeen > options.MaxUnseen).ToList();
        foreach (var t in ended)
            _tracks.Remove(t);
        return [.. ended.Where(t => t.Confirmed)];
    }

    private List<CameraZone> ZonesOf(TrackedObject track, int width, int height)
    {
        float x = track.Box.CenterX / width, y = track.Box.Y2 / height;
        return [.. zones.Where(z => (z.Labels.Count == 0 || z.Labels.Contains(track.Label, StringComparer.OrdinalIgnoreCase)) && Inside(z.Polygon, x, y))];
    }

    /// <summary>Even-odd ray casting.</summary>
    public static bool Inside(IReadOnlyList<RelativePoint> polygon, float x, float y)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            var (a, b) = (polygon[i], polygon[j]);
            if ((a.Y > y) != (b.Y > y) && x < (b.X - a.X) * (y - a.Y) / (b.Y - a.Y) + a.X)
                inside = !inside;
        }
        return inside;
    }


    /// <summary>Frigate's form: the start time in seconds and a random suffix (unique, sortable, no meaning beyond this camera).</summary>
    private static string NewId(DateTimeOffset at) =>
        FormattableString.Invariant($"{at.ToUnixTimeMilliseconds() / 1000.0:0.000000}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}");
}

/// <summary>Tracker settings (Frigate's defaults where it has them, at the camera's rate).</summary>
public sealed record TrackerOptions
{
    /// <summary>Hits before a track can be confirmed (Frigate: about half the detect rate).</summary>
    public int ConfirmFrames { get; init; } = 3;

    /// <summary>Median confidence (0–100) a track needs to be an event.</summary>
    public float MinMedianScore { get; init; } = 60;

    /// <summary>Lowest confidence (0–100) a detection needs to be tracked at all.</summary>
    public float MinConfidence { get; init; } = 40;

    public float MinIou { get; init; } = 0.2f;

    /// <summary>Unseen this long, a track ends (Frigate: 5 s).</summary>
    public TimeSpan MaxUnseen { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Not moving more than <see cref="StillShare"/> of the frame for this long: stationary (Frigate: 10 s).</summary>
    public TimeSpan StationaryAfter { get; init; } = TimeSpan.FromSeconds(10);

    public float StillShare { get; init; } = 0.02f;

    /// <summary>Frames in a row inside a zone before the object counts as in it (Frigate: 3).</summary>
    public int ZoneInertia { get; init; } = 3;

    /// <summary>Frames for a camera at <paramref name="fps"/>: confirmation after about half a second.</summary>
    public static TrackerOptions ForRate(double fps) => new() { ConfirmFrames = Math.Max(2, (int)Math.Ceiling(fps / 2)) };
}
