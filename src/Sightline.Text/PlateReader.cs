using System.Text;
using OpenCvSharp;
using Sightline.Inference.Text;

namespace Sightline.Text;

/// <summary>A plate as read: normalised text (A–Z, 0–9, no separators), confidence 0–1, where it is, and a guess at its issuing region.</summary>
public sealed record PlateRead(string Text, float Confidence, TextQuad Quad, string? Region, string RawText);

/// <summary>
/// Reads licence plates with the text engine: every line of text in the image is a candidate; a plate number is
/// 4–8 letters and digits once spaces, dashes and dots are removed, and is the largest such print in its
/// neighbourhood (state names and slogans on a plate are smaller). Mixed letters and digits rank above digits only
/// (dealer phone numbers) and above letters only (vanity plates; state names are never plates). Nearby text that
/// names a US state or a known plate format gives the region guess.
/// </summary>
public sealed class PlateReader(TextEngine text)
{
    /// <summary>Candidates read below this mean character confidence are not reported.</summary>
    public const float MinConfidence = 0.5f;

    /// <summary>The detector side for plate reading: plates are small in a street photo, so more than the text default.</summary>
    public const int DetectorSide = 1600;

    public IReadOnlyList<PlateRead> Read(Mat bgr, CancellationToken ct)
    {
        int side = Math.Min(Math.Max(bgr.Width, bgr.Height), DetectorSide);
        var lines = text.Read(bgr, Math.Max(side, 960), ct);
        var candidates = new List<(TextLine Line, string Plate)>();
        foreach (var line in lines)
        {
            string plate = Normalise(line.Text);
            if (plate.Length is >= 4 and <= 8 && line.Confidence >= MinConfidence && !UsStates.Names.Any(s => s.Name.Replace(" ", "", StringComparison.Ordinal) == plate))
                candidates.Add((line, plate));
        }
        // Keep a candidate only if no larger candidate overlaps its neighbourhood (one plate, one number).
        var kept = candidates.Where(c => !candidates.Any(o => !ReferenceEquals(o.Line, c.Line) && o.Line.Quad.Height > c.Line.Quad.Height * 1.15f && Near(o.Line, c.Line)))
            .OrderByDescending(c => c.Line.Quad.Height * c.Line.Confidence * Format(c.Plate)).ToList();
        return [.. kept.Select(c =>
        {
            var (plate, confidence, raw) = SecondLook(bgr, c.Line, c.Plate);
            return new PlateRead(plate, confidence, c.Line.Quad, Region(plate, lines.Where(l => Near(l, c.Line)).Select(l => l.Text)), raw);
        })];
    }

    /// <summary>
    /// DB boxes sometimes clip a plate's first or last character. The region is read again with a margin of a
    /// third of its height on each side; the second reading wins when it is a plausible plate read more surely.
    /// </summary>
    private (string Plate, float Confidence, string Raw) SecondLook(Mat bgr, TextLine line, string plate)
    {
        var q = line.Quad;
        float m = q.Height / 3;
        float ux = (q.TopRight.X - q.TopLeft.X) / Math.Max(1, q.Width), uy = (q.TopRight.Y - q.TopLeft.Y) / Math.Max(1, q.Width);
        float vx = (q.BottomLeft.X - q.TopLeft.X) / Math.Max(1, q.Height), vy = (q.BottomLeft.Y - q.TopLeft.Y) / Math.Max(1, q.Height);
        Inference.PointF Move(Inference.PointF p, float du, float dv) => new(p.X + du * ux + dv * vx, p.Y + du * uy + dv * vy);
        var wider = new TextQuad(Move(q.TopLeft, -m, -m / 2), Move(q.TopRight, m, -m / 2), Move(q.BottomRight, m, m / 2), Move(q.BottomLeft, -m, m / 2), q.Score);
        var again = text.ReadRegion(bgr, wider);
        string second = Normalise(again.Text);
        return second.Length is >= 4 and <= 8 && again.Confidence > line.Confidence ? (second, again.Confidence, again.Text.Trim()) : (plate, line.Confidence, line.Text);
    }

    /// <summary>
    /// Upper-case letters and digits only, with the letter O read as the digit 0: plates use one glyph for both
    /// (most US states issue no letter O; none of the 222 labelled US plates here has one), so hotlists and reads
    /// compare in this form.
    /// </summary>
    public static string Normalise(string raw)
    {
        var sb = new StringBuilder(raw.Length);
        foreach (char ch in raw.ToUpperInvariant())
        {
            if (ch == 'O')
                sb.Append('0');
            else if (char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch))
                sb.Append(ch);
        }
        return sb.ToString();
    }

    private static float Format(string plate) => (plate.Any(char.IsAsciiDigit), plate.Any(char.IsAsciiLetterUpper)) switch
    {
        (true, true) => 1f,
        (true, false) => 0.8f,
        _ => 0.5f,
    };

    /// <summary>Within three plate-text heights of each other.</summary>
    private static bool Near(TextLine a, TextLine b)
    {
        var ra = a.Quad.Bounds;
        var rb = b.Quad.Bounds;
        float reach = 3 * Math.Max(a.Quad.Height, b.Quad.Height);
        return Math.Abs(ra.CenterX - rb.CenterX) < reach + (ra.Width + rb.Width) / 2 && Math.Abs(ra.CenterY - rb.CenterY) < reach;
    }

    private static string? Region(string plate, IEnumerable<string> nearby)
    {
        foreach (string line in nearby)
        {
            string upper = line.ToUpperInvariant();
            foreach (var (name, code) in UsStates.LongestFirst)
            {
                if (upper.Contains(name, StringComparison.Ordinal))
                    return "US-" + code;
            }
        }
        // Brazil's Mercosul and older formats: LLL9L99 / LLL9999.
        if (plate.Length == 7 && plate[..3].All(char.IsAsciiLetterUpper) && char.IsAsciiDigit(plate[3]) && plate[5..].All(char.IsAsciiDigit))
            return "BR";
        return null;
    }
}
