namespace Sightline.Detectors;

/// <summary>A labels file: one class name per line, in class-index order. Trailing blank lines are ignored.</summary>
public static class DetectorLabels
{
    public const int MaxLabels = 10_000;
    public const int MaxLabelLength = 256;

    /// <summary>Labels that name a model's background class; instances of them are never reported.</summary>
    public static bool IsBackground(string label) => label is "background" or "__background__" or "???";

    public static IReadOnlyList<string> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0)
            throw SightlineException.InvalidParameter("The labels file is empty; give one class name per line.");
        if (lines.Count > MaxLabels)
            throw SightlineException.InvalidParameter($"The labels file has {lines.Count} lines; at most {MaxLabels} classes are supported.");
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length == 0 || lines[i].Length > MaxLabelLength)
                throw SightlineException.InvalidParameter($"Line {i + 1} of the labels file is {(lines[i].Length == 0 ? "empty" : "longer than " + MaxLabelLength + " characters")}; every class needs a name.");
        }
        return lines;
    }
}
