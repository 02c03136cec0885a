using Sightline.Inference;
namespace Sightline.Text.Ocr;

/// <summary>
/// A restricted output alphabet for CTC decoding (for example plate characters): each recogniser class maps to one
/// output character or is excluded; classes sharing a character pool their probability (say 'S' and 's'), and at
/// each time step the best of the blank and the pooled characters wins. Excluded classes (other scripts,
/// punctuation) cannot take a step, so a letter they would have masked is still read.
/// </summary>
public sealed class TextAlphabet
{
    private readonly (int Class, int Group)[] _members;
    private readonly char[] _characters;

    internal TextAlphabet(IReadOnlyList<string> classes, Func<string, char?> map)
    {
        var characters = new List<char> { '\0' }; // group 0 is the blank
        var members = new List<(int, int)>();
        for (int c = 1; c < classes.Count; c++)
        {
            if (map(classes[c]) is not { } ch)
                continue;
            int group = characters.IndexOf(ch);
            if (group < 0)
            {
                group = characters.Count;
                characters.Add(ch);
            }
            members.Add((c, group));
        }
        if (members.Count == 0)
            throw new ArgumentException("The alphabet maps no recogniser class to a character.", nameof(map));
        _members = [.. members];
        _characters = [.. characters];
    }

    /// <summary>Groups including the blank.</summary>
    public int Size => _characters.Length;

    public char Character(int group) => _characters[group];

    /// <summary>The winning group at one time step (0 = blank) and its pooled probability.</summary>
    public (int Group, float Probability) Best(ReadOnlySpan<float> row, Span<float> pooled)
    {
        pooled.Clear();
        pooled[0] = row[0];
        foreach (var (c, group) in _members)
            pooled[group] += row[c];
        int best = 0;
        for (int g = 1; g < pooled.Length; g++)
        {
            if (pooled[g] > pooled[best])
                best = g;
        }
        return (best, pooled[best]);
    }
}
