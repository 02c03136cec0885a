namespace Sightline.Text;

/// <summary>
/// Compares a read plate with hotlist plates: equal, or (when allowed) the same length and different in exactly one
/// place where the two characters are ones OCR confuses (0/D/Q, 1/I/L/7/T, 2/Z, 4/A, 5/S, 6/G, 8/B, U/V).
/// </summary>
public static class HotlistMatcher
{
    private static readonly string[] s_groups = ["0DQ", "1IL7T", "2Z", "4A", "5S", "6G", "8B", "UV"];

    /// <summary>0 for an exact match, 1 for one confusable character, null for no match.</summary>
    public static int? Distance(string read, string listed, int maxConfusions)
    {
        if (read == listed)
            return 0;
        if (maxConfusions < 1 || read.Length != listed.Length)
            return null;
        int differences = 0;
        for (int i = 0; i < read.Length; i++)
        {
            if (read[i] == listed[i])
                continue;
            if (++differences > 1 || !Confusable(read[i], listed[i]))
                return null;
        }
        return differences;
    }

    public static bool Confusable(char a, char b) => s_groups.Any(g => g.Contains(a) && g.Contains(b));

    /// <summary>A list name: 1–64 of a–z, 0–9, '-', '_'.</summary>
    public static string ListName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_') ? name
            : throw SightlineException.InvalidParameter($"A hotlist name is 1 to 64 of a–z, 0–9, '-' and '_'; got '{name}'.");

    /// <summary>A plate for a hotlist, normalised as reads are; 2–10 letters and digits.</summary>
    public static string Plate(string? plate)
    {
        string normal = PlateReader.Normalise(plate ?? "");
        return normal.Length is >= 2 and <= 10 ? normal
            : throw SightlineException.InvalidParameter($"A plate is 2 to 10 letters and digits (separators are dropped); got '{plate}'.");
    }
}
