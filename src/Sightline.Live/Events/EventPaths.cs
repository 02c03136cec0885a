using System.Text.Json;
using Sightline.Storage;
using System.Text.Json.Serialization;
using Sightline.Live.Tracking;

namespace Sightline.Live.Events;

/// <summary>Where the event's object was on one analysed frame: the frame's time and the box, relative to the frame (0–1).</summary>
public sealed record EventPathPoint(DateTimeOffset At, float Left, float Top, float Width, float Height);

/// <summary>
/// The path of an event's object through its clip, so a player can draw its box on each frame: the time of the clip's
/// first frame, the clip's frame rate, when each of its frames was taken (milliseconds after the first; frame k of the
/// clip, at k / fps seconds, shows the camera at <see cref="ClipStart"/> + <see cref="FrameOffsets"/>[k]; frames after
/// the event's end are not listed), and the box on every analysed frame while the object was tracked.
/// </summary>
public sealed record EventPath(DateTimeOffset? ClipStart, double Fps, IReadOnlyList<long> FrameOffsets, IReadOnlyList<EventPathPoint> Points);

/// <summary>
/// One camera's paths of open events, stored beside the event's clip (<c>events/ID.path.json</c> in the file store) when
/// the event ends, and deleted with the event. Only boxes are kept — nothing of the picture — and at most <see cref="MaxPoints"/> a path.
/// </summary>
public sealed class EventPaths(IFileStore files)
{
    /// <summary>Four minutes at 5 fps: longer than the longest clip.</summary>
    public const int MaxPoints = 1200;

    private readonly Dictionary<string, List<EventPathPoint>> _open = new(StringComparer.Ordinal);

    /// <summary>The event's path in the file store.</summary>
    public static string Key(string id) => "events/" + id + ".path.json";

    public void Begin(string id) => _open.TryAdd(id, []);

    /// <summary>The boxes of the open events' tracks on this frame.</summary>
    public void Observe(IEnumerable<TrackedObject> tracks, Frame frame)
    {
        foreach (var t in tracks)
        {
            if (_open.TryGetValue(t.Id, out var points) && points.Count < MaxPoints && t.LastSeen == frame.At)
                points.Add(new EventPathPoint(frame.At, t.Box.X1 / frame.Width, t.Box.Y1 / frame.Height, t.Box.Width / frame.Width, t.Box.Height / frame.Height));
        }
    }

    /// <summary>The event ended: its path is stored (whole or not at all); an <see cref="IOException"/> or the store's error when it cannot be.</summary>
    public async Task EndAsync(string id, IReadOnlyList<DateTimeOffset>? clipFrames, double fps, CancellationToken ct)
    {
        if (!_open.Remove(id, out var points))
            return;
        DateTimeOffset? clipStart = clipFrames is { Count: > 0 } ? clipFrames[0] : null;
        long[] offsets = clipStart is { } first ? [.. clipFrames!.Select(f => (long)Math.Round((f - first).TotalMilliseconds))] : [];
        string temp = files.TempPath(Key(id));
        try
        {
            await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(new EventPath(clipStart, fps, offsets, points), EventPathJson.Default.EventPath), ct)
                .ConfigureAwait(false);
            await files.PutAsync(Key(id), temp, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>An event's path as stored, or null when there is none.</summary>
    public static async Task<EventPath?> ReadAsync(IFileStore files, string id, CancellationToken ct)
    {
        if (await files.TryGetLocalAsync(Key(id), ct).ConfigureAwait(false) is not { } path)
            return null;
        try
        {
            return JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false), EventPathJson.Default.EventPath);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EventPath))]
public sealed partial class EventPathJson : JsonSerializerContext;
