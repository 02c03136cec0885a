using Sightline.Inference;
using Sightline.Text.Ocr;
using Sightline.Rekognition;

namespace Sightline.Text;

/// <summary>A region of interest, as a ratio of the image: a box, or a polygon of at least three points.</summary>
public sealed record TextRegion(BoundingBox? Box, IReadOnlyList<Point>? Polygon);

/// <summary>DetectText's Filters: which words count (confidence 0–100, box size as a ratio of the image) and where.</summary>
public sealed record TextFilters(float MinConfidence = 0, float MinBoundingBoxHeight = 0, float MinBoundingBoxWidth = 0, IReadOnlyList<TextRegion>? Regions = null)
{
    /// <summary>As Rekognition: at most 10 regions of interest.</summary>
    public const int MaxRegions = 10;

    /// <summary>A region from a box or a polygon (exactly one), coordinates as ratios 0–1; InvalidParameter naming <paramref name="name"/> otherwise.</summary>
    public static TextRegion Region(BoundingBox? box, IReadOnlyList<Point>? polygon, string name)
    {
        static bool Ratio(float v) => float.IsFinite(v) && v >= 0 && v <= 1;
        if ((box is null) == (polygon is null))
            throw SightlineException.InvalidParameter($"{name} needs exactly one of BoundingBox and Polygon.");
        if (box is not null && !(Ratio(box.Left) && Ratio(box.Top) && Ratio(box.Width) && Ratio(box.Height) && box.Width > 0 && box.Height > 0))
            throw SightlineException.InvalidParameter($"{name}.BoundingBox needs Left, Top, Width and Height as ratios of the image (0–1), with Width and Height above 0.");
        if (polygon is not null && (polygon.Count is < 3 or > 10 || polygon.Any(p => !Ratio(p.X) || !Ratio(p.Y))))
            throw SightlineException.InvalidParameter($"{name}.Polygon needs 3 to 10 points with X and Y as ratios of the image (0–1).");
        return new TextRegion(box, polygon);
    }
}

/// <summary>Turns read lines into Rekognition's DetectText response: LINE entries, then WORD entries with their line as parent.</summary>
public static class TextResponses
{
    /// <summary>As Rekognition: at most this many words per image.</summary>
    public const int MaxWords = 100;

    public static DetectTextResponse ToRekognition(IReadOnlyList<TextLine> lines, int width, int height, TextFilters filters, string modelVersion)
    {
        var kept = new List<(TextLine Line, List<TextWord> Words)>();
        int total = 0;
        foreach (var line in lines)
        {
            var words = line.Words.Where(w => Passes(w, width, height, filters)).Take(MaxWords - total).ToList();
            if (words.Count == 0)
                continue;
            kept.Add((line, words));
            total += words.Count;
            if (total >= MaxWords)
                break;
        }
        var detections = new List<TextDetection>();
        for (int i = 0; i < kept.Count; i++)
        {
            var (line, words) = kept[i];
            var quad = words.Count == line.Words.Count ? line.Quad
                : new TextQuad(words[0].Quad.TopLeft, words[^1].Quad.TopRight, words[^1].Quad.BottomRight, words[0].Quad.BottomLeft, line.Quad.Score);
            string text = words.Count == line.Words.Count ? line.Text : string.Join(' ', words.Select(w => w.Text));
            detections.Add(new TextDetection(text, "LINE", i, null, Percent(words.Average(w => w.Confidence)), Geometry(quad, width, height)));
        }
        int id = kept.Count;
        for (int i = 0; i < kept.Count; i++)
        {
            foreach (var word in kept[i].Words)
                detections.Add(new TextDetection(word.Text, "WORD", id++, i, Percent(word.Confidence), Geometry(word.Quad, width, height)));
        }
        return new DetectTextResponse(detections, modelVersion);
    }

    private static bool Passes(TextWord word, int width, int height, TextFilters f)
    {
        var b = word.Quad.Bounds;
        if (word.Confidence * 100 < f.MinConfidence || b.Height / height < f.MinBoundingBoxHeight || b.Width / width < f.MinBoundingBoxWidth)
            return false;
        if (f.Regions is not { Count: > 0 } regions)
            return true;
        float cx = b.CenterX / width, cy = b.CenterY / height;
        return regions.Any(r => r.Box is { } box
            ? cx >= box.Left && cx <= box.Left + box.Width && cy >= box.Top && cy <= box.Top + box.Height
            : r.Polygon is { Count: >= 3 } poly && Inside(poly, cx, cy));
    }

    /// <summary>Even-odd rule.</summary>
    private static bool Inside(IReadOnlyList<Point> poly, float x, float y)
    {
        bool inside = false;
        for (int i = 0, j = poly.Count - 1; i < poly.Count; j = i++)
        {
            if ((poly[i].Y > y) != (poly[j].Y > y) && x < (poly[j].X - poly[i].X) * (y - poly[i].Y) / (poly[j].Y - poly[i].Y) + poly[i].X)
                inside = !inside;
        }
        return inside;
    }

    private static float Percent(float confidence) => MathF.Round(Math.Clamp(confidence, 0, 1) * 100, 3);

    private static Geometry Geometry(TextQuad q, int width, int height)
    {
        var b = q.Bounds.ClipTo(width, height);
        return new Geometry(new BoundingBox(b.Width / width, b.Height / height, b.X1 / width, b.Y1 / height),
            [.. q.Points.Select(p => new Point(p.X / width, p.Y / height))]);
    }
}
