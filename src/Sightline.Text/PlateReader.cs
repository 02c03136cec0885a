using System.Text;
using OpenCvSharp;
using Sightline.Objects.Detection;
using Sightline.Text.Ocr;

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
public sealed partial class PlateReader(TextEngine text, IObjectDetector? vehicles = null)
{
    private readonly TextAlphabet _alphabet = text.Alphabet(PlateCharacter);

    /// <summary>Candidates read below this mean character confidence are not reported.</summary>
    public const float MinConfidence = 0.5f;

    /// <summary>The detector side for plate reading: plates are small in a street photo, so more than the text default.</summary>
    public const int DetectorSide = 1600;

    public IReadOnlyList<PlateRead> Read(Mat bgr, CancellationToken ct)
    {
        int side = Math.Min(Math.Max(bgr.Width, bgr.Height), DetectorSide);
        var lines = text.Read(bgr, Math.Max(side, 960), ct).ToList();
        var candidates = Candidates(lines);
        foreach (var closer in CloserLooks(bgr, candidates, ct))
        {
            lines.AddRange(closer);
            candidates.AddRange(Candidates(closer));
        }
        // Keep a candidate only if no larger candidate at least as plate-like overlaps its neighbourhood (one plate,
        // one number; a fleet or phone number painted above a plate does not hide it).
        var kept = candidates.Where(c => !candidates.Any(o => !ReferenceEquals(o.Line, c.Line) && o.Line.Quad.Height > c.Line.Quad.Height * 1.15f
                && Format(o.Plate) >= Format(c.Plate) && Near(o.Line, c.Line)))
            .OrderByDescending(c => c.Line.Quad.Height * c.Line.Confidence * Format(c.Plate)).ToList();
        // Overlapping vehicles can show one plate twice: the better-ranked reading stands.
        for (int i = kept.Count - 1; i > 0; i--)
        {
            var b = kept[i].Line.Quad.Bounds;
            if (kept.Take(i).Any(k => Overlap(k.Line.Quad.Bounds, b)))
                kept.RemoveAt(i);
        }
        return [.. kept.Select(c =>
        {
            var (plate, confidence, raw) = SecondLook(bgr, c.Line, c.Plate);
            return new PlateRead(plate, confidence, Upright(c.Line.Quad), Region(plate, lines.Where(l => Near(l, c.Line)).Select(l => l.Text)), raw);
        })];
    }

    private static List<(TextLine Line, string Plate)> Candidates(IEnumerable<TextLine> lines)
    {
        var candidates = new List<(TextLine Line, string Plate)>();
        foreach (var line in lines)
        {
            string plate = Normalise(line.Text);
            if (plate.Length is >= 4 and <= 8 && line.Confidence >= MinConfidence && !UsStates.Names.Any(s => s.Name.Replace(" ", "", StringComparison.Ordinal) == plate))
                candidates.Add((line, plate));
        }
        return candidates;
    }

    /// <summary>Side margins, in line heights, of the plate readings compared by <see cref="SecondLook"/>.</summary>
    private static readonly float[] s_margins = [0f, 1 / 3f, 2 / 3f];

    /// <summary>
    /// Horizontal scales each margin is read at. Plate fonts are condensed next to the print the recogniser learned
    /// from (a plate W is as narrow as an H); a reading a quarter wider shows them at about print proportions, and
    /// the reading with the most evidence stands (alpr_us exact 79.3% → 80.6%; 1.2× and 1.3× gave 80.2%, 1.5× 77.5%).
    /// </summary>
    private static readonly float[] s_stretches = [1f, 1.25f];

    /// <summary>
    /// DB boxes sometimes clip a plate's first or last character, or split off one set apart by a gap. The region is
    /// read again with the plate alphabet, as found and with wider side margins, and the reading that explains the
    /// most characters surely wins (<see cref="Evidence"/>), so a character read at 0.85 beyond the box is kept,
    /// where the mean confidence would have preferred the shorter read without it. Each reading is first checked
    /// against the ink under its characters (<see cref="PlateGlyphs"/>): an emblem read as a weak character is dropped.
    /// </summary>
    private (string Plate, float Confidence, string Raw) SecondLook(Mat bgr, TextLine line, string plate)
    {
        var q = Upright(line.Quad);
        float ux = (q.TopRight.X - q.TopLeft.X) / Math.Max(1, q.Width), uy = (q.TopRight.Y - q.TopLeft.Y) / Math.Max(1, q.Width);
        float vx = (q.BottomLeft.X - q.TopLeft.X) / Math.Max(1, q.Height), vy = (q.BottomLeft.Y - q.TopLeft.Y) / Math.Max(1, q.Height);
        Inference.PointF Move(Inference.PointF p, float du, float dv) => new(p.X + du * ux + dv * vx, p.Y + du * uy + dv * vy);
        (string Plate, float Confidence, string Raw, double Evidence)? best = null;
        foreach (float margin in s_margins)
        {
            float m = margin * q.Height, v = Math.Min(m, q.Height / 3) / 2;
            var region = margin == 0 ? q : new TextQuad(Move(q.TopLeft, -m, -v), Move(q.TopRight, m, -v), Move(q.BottomRight, m, v), Move(q.BottomLeft, -m, v), q.Score);
            using var crop = text.CutRegion(bgr, region);
            foreach (float stretch in s_stretches)
            {
                using var wide = stretch == 1f ? null : crop.Resize(new Size((int)Math.Round(crop.Width * stretch), crop.Height), 0, 0, InterpolationFlags.Linear);
                var source = wide ?? crop;
                var reading = PlateGlyphs.DropBlobs(source, text.ReadCrop(source, _alphabet));
                string read = Normalise(reading.Text);
                double evidence = Evidence(reading);
                if (read.Length is >= 4 and <= 8 && (best is null || evidence > best.Value.Evidence))
                    best = (read, reading.Confidence, reading.Text.Trim(), evidence);
            }
        }
        return best is { } b ? (b.Plate, b.Confidence, b.Raw) : (plate, line.Confidence, line.Text);
    }

    /// <summary>
    /// Plates are read upright: a line the direction classifier turned over (its reading direction points left) is
    /// turned back, since cameras are not mounted upside down and a plate's 6/9, M/W and 0 read either way up.
    /// </summary>
    private static TextQuad Upright(TextQuad q)
    {
        float dx = q.TopRight.X - q.TopLeft.X, dy = q.TopRight.Y - q.TopLeft.Y;
        return dx < 0 && Math.Abs(dx) > Math.Abs(dy) ? new TextQuad(q.BottomRight, q.BottomLeft, q.TopLeft, q.TopRight, q.Score) : q;
    }

    /// <summary>
    /// The confidence at which a character neither adds to nor takes from a reading's evidence (roughly 2:1 odds). A character read more
    /// weakly than this counts against the reading, so the border of a month sticker read as a 1 at 0.57 does not
    /// lengthen a plate (at ½ it did; at 0.75 true edge characters read at 0.7 were lost).
    /// </summary>
    private const double EvenOdds = 0.65;

    /// <summary>Σ log(p / <see cref="EvenOdds"/>) over a reading's plate characters.</summary>
    private static double Evidence(TextReading reading)
    {
        double sum = 0;
        for (int i = 0; i < reading.Text.Length && i < reading.CharacterConfidences.Count; i++)
        {
            if (reading.Text[i] != ' ')
                sum += Math.Log(Math.Max(1e-6, reading.CharacterConfidences[i]) / EvenOdds);
        }
        return sum;
    }

    /// <summary>
    /// The characters a plate can carry, for constrained decoding: letters (either case, pooled), digits, and
    /// separators read as spaces; width variants fold to ASCII; everything else (other scripts, punctuation) is
    /// excluded, so it can neither replace nor hide a plate character.
    /// </summary>
    internal static char? PlateCharacter(string entry)
    {
        string folded = entry.Normalize(NormalizationForm.FormKC);
        if (folded.Length != 1)
            return null;
        char ch = char.ToUpperInvariant(folded[0]);
        if (ch == 'O')
            return '0';
        if (char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch))
            return ch;
        return ch is ' ' or '-' or '.' or '·' or '•' ? ' ' : null;
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

    /// <summary>Either box holds the other's centre.</summary>
    private static bool Overlap(Inference.RectF a, Inference.RectF b) =>
        (b.CenterX >= a.X1 && b.CenterX <= a.X2 && b.CenterY >= a.Y1 && b.CenterY <= a.Y2)
        || (a.CenterX >= b.X1 && a.CenterX <= b.X2 && a.CenterY >= b.Y1 && a.CenterY <= b.Y2);

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
