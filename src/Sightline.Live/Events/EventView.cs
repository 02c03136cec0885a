using System.Globalization;
using Sightline.Storage;

namespace Sightline.Live.Events;

/// <summary>An event as listed (API and CLI): score is the top score; zones are those entered.</summary>
public sealed record EventView(
    string Id,
    string Camera,
    string Label,
    float Score,
    IReadOnlyList<string> Zones,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    NormalBox Box,
    bool HasSnapshot,
    bool HasClip,
    bool Stationary,
    string? Case = null,
    string? Plate = null,
    string Handling = EventActions.New)
{
    public const int MaxLimit = 10_000;

    public static EventView From(LiveEventRecord e) => new(e.Id, e.Camera, e.Label, e.TopScore, e.Zones, e.StartTime, e.EndTime, e.Box, e.HasSnapshot, e.HasClip, e.Stationary, e.Case, e.Plate, e.Handling);

    /// <summary>The boundary for listing: a limit in range and a time as ISO 8601 or Unix seconds.</summary>
    public static EventQuery Query(string? camera, string? label, string? since, int? limit)
    {
        DateTimeOffset? from = null;
        if (since is { Length: > 0 })
        {
            if (DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                from = parsed;
            else if (double.TryParse(since, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and < 1e11)
                from = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
            else
                throw SightlineException.InvalidParameter($"since must be an ISO 8601 time or Unix seconds, got '{since}'.");
        }
        if (limit is { } n && (n < 1 || n > MaxLimit))
            throw SightlineException.InvalidParameter($"limit must be from 1 to {MaxLimit}, got {n}.");
        return new EventQuery(camera, label, from, limit ?? 100);
    }
}
