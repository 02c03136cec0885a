using Sightline.Inference;
using Sightline.Text.Ocr;

namespace Sightline.Text;

/// <summary>A word of a line: its text, confidence (0–1) and region.</summary>
public sealed record TextWord(string Text, float Confidence, TextQuad Quad);

/// <summary>A line of text as read, with its words, in image pixels.</summary>
public sealed record TextLine(string Text, float Confidence, TextQuad Quad, IReadOnlyList<TextWord> Words);

/// <summary>Splits a line reading into words at spaces, placing each word along the line from the CTC positions of its characters.</summary>
internal static class Words
{
    public static List<TextWord> Split(TextReading reading, TextQuad line)
    {
        var words = new List<TextWord>();
        // One CTC emission per character; should a dictionary entry ever be longer, fall back to even spacing.
        var centers = reading.CharacterCenters.Count == reading.Text.Length ? reading.CharacterCenters
            : [.. Enumerable.Range(0, reading.Text.Length).Select(i => (i + 0.5f) / reading.Text.Length)];
        var confidences = reading.CharacterConfidences.Count == reading.Text.Length ? reading.CharacterConfidences
            : [.. Enumerable.Repeat(reading.Confidence, reading.Text.Length)];
        // Typical character pitch along the line, for the half-character margin either side of a word.
        float pitch = centers.Count > 1 ? (centers[^1] - centers[0]) / (centers.Count - 1) : 1f;
        int start = -1;
        for (int i = 0; i <= reading.Text.Length; i++)
        {
            bool boundary = i == reading.Text.Length || char.IsWhiteSpace(reading.Text[i]);
            if (!boundary && start < 0)
                start = i;
            if (boundary && start >= 0)
            {
                float from = Math.Clamp(centers[start] - pitch / 2, 0, 1), to = Math.Clamp(centers[i - 1] + pitch / 2, 0, 1);
                float confidence = confidences.Skip(start).Take(i - start).Average();
                words.Add(new TextWord(reading.Text[start..i], confidence, line.Span(from, to, line.Score)));
                start = -1;
            }
        }
        return words;
    }
}
