using Sightline.Storage;
using Sightline.Text;

namespace Sightline.Alerts;

/// <summary>A read that matched a hotlist entry: the list, the listed plate, its reason, and 0 (exact) or 1 (one confusable character).</summary>
public sealed record HotlistHit(string List, string ListedPlate, string ReadPlate, string Reason, int Distance, float Confidence);

/// <summary>
/// Reads plates and checks them against the hotlists. Each hit goes to the alert rules as label
/// <c>hotlist:LIST</c> (so a rule on that label sends it to a webhook). Reads themselves are not stored: Sightline
/// keeps no record of where vehicles were, only the hits an agency's own lists asked for.
/// </summary>
public sealed class PlateDesk(PlateReader reader, IHotlistStore hotlists, IAlertEvaluator alerts)
{
    /// <summary>Reads within one confusable character of a listed plate also hit (0 for exact only).</summary>
    public int MaxConfusions { get; init; } = 1;

    public PlateReader Reader => reader;

    public async Task<(IReadOnlyList<PlateRead> Plates, IReadOnlyList<HotlistHit> Hits)> ReadAsync(OpenCvSharp.Mat bgr, string? imageRef, CancellationToken ct)
    {
        var plates = reader.Read(bgr, ct);
        var matched = await MatchAsync(plates, ct).ConfigureAwait(false);
        var boxes = matched.Select(m => new LabelledBox("hotlist:" + m.Hit.List, m.Plate.Confidence * 100, Normal(m.Plate, bgr.Width, bgr.Height))).ToList();
        if (boxes.Count > 0)
            await alerts.EvaluateAsync("plates", imageRef, boxes, ct).ConfigureAwait(false);
        return (plates, [.. matched.Select(m => m.Hit)]);
    }

    /// <summary>The hotlist entries (unexpired) the reads hit; nothing is sent or stored here.</summary>
    public async Task<IReadOnlyList<(PlateRead Plate, HotlistHit Hit)>> MatchAsync(IReadOnlyList<PlateRead> plates, CancellationToken ct)
    {
        var entries = plates.Count == 0 ? [] : await hotlists.ListHotlistEntriesAsync(null, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
        var hits = new List<(PlateRead, HotlistHit)>();
        foreach (var plate in plates)
        {
            foreach (var entry in entries)
            {
                if (HotlistMatcher.Distance(plate.Text, entry.Plate, MaxConfusions) is { } d)
                    hits.Add((plate, new HotlistHit(entry.List, entry.Plate, plate.Text, entry.Reason, d, MathF.Round(plate.Confidence * 100, 2))));
            }
        }
        return hits;
    }

    public static NormalBox Normal(PlateRead plate, int width, int height)
    {
        var b = plate.Quad.Bounds;
        return new NormalBox(b.X1 / width, b.Y1 / height, b.Width / width, b.Height / height);
    }

    /// <summary>Validates an entry for the hotlist store (which records its addition with the caller's audit entry).</summary>
    public static HotlistEntry Entry(string? list, string? plate, string? reason, DateTimeOffset? expires, string addedBy)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
            throw SightlineException.InvalidParameter("A hotlist entry needs a reason of 1 to 500 characters.");
        if (expires is { } e && e <= DateTimeOffset.UtcNow)
            throw SightlineException.InvalidParameter($"The expiry {e:O} is in the past.");
        return new HotlistEntry(HotlistMatcher.ListName(list), HotlistMatcher.Plate(plate), reason.Trim(), expires, addedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }
}
