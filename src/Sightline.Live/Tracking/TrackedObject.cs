using Sightline.Inference;

namespace Sightline.Live.Tracking;

/// <summary>
/// One object followed within one camera: a stable id, its label, where it is (and is heading), how sure the
/// detector has been, which zones it is in and has entered, and whether it has stopped moving. Identity is never
/// carried to another camera or another object.
/// </summary>
public sealed class TrackedObject
{
    private readonly List<float> _scores = [];
    private readonly Dictionary<string, (int Frames, DateTimeOffset Since)> _zoneFrames = new(StringComparer.Ordinal);

    internal TrackedObject(string id, string label, RectF box, float confidence, DateTimeOffset at)
    {
        (Id, Label, Box, FirstSeen, LastSeen, TopScore, StillSince) = (id, label, box, at, at, confidence, at);
        _scores.Add(confidence);
        Hits = 1;
    }

    public string Id { get; }

    public string Label { get; }

    /// <summary>The last box seen, in frame pixels.</summary>
    public RectF Box { get; private set; }

    /// <summary>Box movement per frame (constant-velocity prediction for matching).</summary>
    public (float Dx, float Dy) Velocity { get; private set; }

    public DateTimeOffset FirstSeen { get; }

    public DateTimeOffset LastSeen { get; private set; }

    public int Hits { get; private set; }

    /// <summary>Frames in a row the detector ran and did not find it.</summary>
    public int Misses { get; private set; }

    public float Score => _scores[^1];

    public float TopScore { get; private set; }

    /// <summary>The median of its scores so far: what decides it is real (a first score alone does not).</summary>
    public float MedianScore
    {
        get
        {
            var sorted = _scores.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }

    /// <summary>Confirmed: seen often enough with a good enough median score to be an event.</summary>
    public bool Confirmed { get; internal set; }

    public bool Stationary { get; private set; }

    /// <summary>In a zone with a loitering time, having stayed there at least that long.</summary>
    public bool Loitering { get; private set; }

    public DateTimeOffset StillSince { get; private set; }

    public IReadOnlyList<string> CurrentZones { get; private set; } = [];

    public IReadOnlyList<string> EnteredZones => _entered;

    private readonly List<string> _entered = [];

    public RectF Predicted => new(Box.X1 + Velocity.Dx, Box.Y1 + Velocity.Dy, Box.X2 + Velocity.Dx, Box.Y2 + Velocity.Dy);

    internal void Update(RectF box, float confidence, DateTimeOffset at, float stillDistance, TimeSpan stationaryAfter)
    {
        var (dx, dy) = (box.CenterX - Box.CenterX, box.CenterY - Box.CenterY);
        // Smoothed velocity: half the new displacement, half the old estimate.
        Velocity = ((Velocity.Dx + dx) / 2, (Velocity.Dy + dy) / 2);
        if (MathF.Abs(box.CenterX - StillBox.CenterX) > stillDistance || MathF.Abs(box.CenterY - StillBox.CenterY) > stillDistance)
        {
            StillBox = box;
            StillSince = at;
            Stationary = false;
        }
        else if (at - StillSince >= stationaryAfter)
        {
            Stationary = true;
        }
        Box = box;
        LastSeen = at;
        Hits++;
        Misses = 0;
        _scores.Add(confidence);
        if (_scores.Count > 64)
            _scores.RemoveAt(0);
        TopScore = Math.Max(TopScore, confidence);
    }

    private RectF StillBox { get; set; }

    internal void Missed() => Misses++;

    /// <summary>
    /// Updates zone membership from the zones the box's bottom centre is in: a zone counts after <paramref name="inertia"/>
    /// frames in a row and, when it has a loitering time, once the object has been in it that long without leaving.
    /// </summary>
    internal bool UpdateZones(IReadOnlyList<Storage.CameraZone> inside, int inertia, DateTimeOffset at)
    {
        foreach (var zone in _zoneFrames.Keys.Where(z => !inside.Any(i => i.Name == z)).ToList())
            _zoneFrames.Remove(zone);
        foreach (var zone in inside)
            _zoneFrames[zone.Name] = _zoneFrames.TryGetValue(zone.Name, out var f) ? (f.Frames + 1, f.Since) : (1, at);
        var counted = inside.Where(z => _zoneFrames[z.Name] is var f && f.Frames >= inertia && at - f.Since >= TimeSpan.FromSeconds(z.LoiterSeconds)).ToList();
        var current = counted.Select(z => z.Name).Order(StringComparer.Ordinal).ToList();
        bool changed = !current.SequenceEqual(CurrentZones);
        CurrentZones = current;
        Loitering = counted.Any(z => z.LoiterSeconds > 0);
        foreach (var zone in current.Where(z => !_entered.Contains(z)))
            _entered.Add(zone);
        return changed;
    }
}
