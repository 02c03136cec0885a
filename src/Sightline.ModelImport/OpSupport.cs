namespace Sightline.ModelImport;

/// <summary>Checks a graph against the converter's op table before any work, naming every unsupported op and a node that uses it.</summary>
public static class OpSupport
{
    public static IReadOnlyList<(string Op, string Node)> Unsupported(IEnumerable<TfjsNode> nodes) =>
        [.. nodes.Where(n => !TfjsToOnnx.Supports(n.Op))
            .GroupBy(n => n.Op, StringComparer.Ordinal)
            .Select(g => (g.Key, g.First().Name))];

    public static void Check(IEnumerable<TfjsNode> nodes)
    {
        var missing = Unsupported(nodes);
        if (missing.Count > 0)
            throw SightlineException.InvalidParameter("Unsupported TF.js op(s): " + string.Join(", ", missing.Select(m => $"{m.Op} (node '{m.Node}')")) + ".");
    }
}
