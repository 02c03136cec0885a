using Sightline.Inference;
using Sightline.Text.Ocr;

namespace Sightline.Text;

/// <summary>
/// Orders lines as a person reads the page. Positions are taken in the page's own frame (u along the mean reading
/// direction of the lines, v down the page), so a page scanned sideways or upside down reads in order. The page is
/// then cut recursively at its widest blank band (XY-cut): across the page between blocks (at least
/// <see cref="BlockGap"/> line heights) or down the page between columns (at least <see cref="ColumnGap"/>); what
/// cannot be cut is read row by row.
/// </summary>
internal static class ReadingOrder
{
    private const float BlockGap = 0.8f, ColumnGap = 1.5f;

    private sealed record Item(TextLine Line, float U1, float U2, float V1, float V2);

    public static List<TextLine> Sort(List<TextLine> lines)
    {
        if (lines.Count < 2)
            return lines;
        float dx = 0, dy = 0;
        foreach (var l in lines)
        {
            dx += l.Quad.TopRight.X - l.Quad.TopLeft.X; // weighted by length: long lines say more about the page
            dy += l.Quad.TopRight.Y - l.Quad.TopLeft.Y;
        }
        float norm = MathF.Sqrt(dx * dx + dy * dy);
        (float cos, float sin) = norm > 0 ? (dx / norm, dy / norm) : (1f, 0f);
        var items = lines.Select(l =>
        {
            var us = l.Quad.Points.Select(p => p.X * cos + p.Y * sin).ToList();
            var vs = l.Quad.Points.Select(p => -p.X * sin + p.Y * cos).ToList();
            return new Item(l, us.Min(), us.Max(), vs.Min(), vs.Max());
        }).ToList();
        float height = items.Select(i => i.V2 - i.V1).Order().ElementAt(items.Count / 2);
        var ordered = new List<TextLine>(lines.Count);
        Cut(items, Math.Max(1, height), ordered);
        return ordered;
    }

    private static void Cut(List<Item> items, float height, List<TextLine> output)
    {
        if (items.Count > 1)
        {
            var (vAt, vGap) = WidestGap(items.Select(i => (i.V1, i.V2)));
            var (uAt, uGap) = WidestGap(items.Select(i => (i.U1, i.U2)));
            bool byBlock = vGap >= BlockGap * height, byColumn = uGap >= ColumnGap * height;
            if (byBlock && (!byColumn || vGap / BlockGap >= uGap / ColumnGap))
            {
                Cut([.. items.Where(i => i.V2 <= vAt)], height, output);
                Cut([.. items.Where(i => i.V2 > vAt)], height, output);
                return;
            }
            if (byColumn)
            {
                Cut([.. items.Where(i => i.U2 <= uAt)], height, output);
                Cut([.. items.Where(i => i.U2 > uAt)], height, output);
                return;
            }
        }
        Rows(items, output);
    }

    /// <summary>The widest uncovered stretch between the intervals, and where it starts.</summary>
    private static (float At, float Gap) WidestGap(IEnumerable<(float From, float To)> intervals)
    {
        float end = float.NegativeInfinity, at = 0, widest = 0;
        foreach (var (from, to) in intervals.OrderBy(x => x.From))
        {
            if (end > float.NegativeInfinity && from - end > widest)
                (at, widest) = (end, from - end);
            end = Math.Max(end, to);
        }
        return (at, widest);
    }

    /// <summary>Lines whose centres are within half a line height are one row, read along the direction.</summary>
    private static void Rows(List<Item> items, List<TextLine> output)
    {
        var rows = new List<List<Item>>();
        foreach (var item in items.OrderBy(i => (i.V1 + i.V2) / 2))
        {
            var row = rows.LastOrDefault();
            float v = (item.V1 + item.V2) / 2, rowV = (row?[0].V1 + row?[0].V2) / 2 ?? 0;
            if (row is not null && Math.Abs(v - rowV) < 0.5f * Math.Min(item.V2 - item.V1, row[0].V2 - row[0].V1))
                row.Add(item);
            else
                rows.Add([item]);
        }
        output.AddRange(rows.SelectMany(r => r.OrderBy(i => i.U1).Select(i => i.Line)));
    }
}
