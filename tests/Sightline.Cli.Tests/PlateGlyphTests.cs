using OpenCvSharp;
using Sightline.Text.Ocr;
using Sightline.Text;

namespace Sightline.Cli.Tests;

/// <summary>The ink check behind plate readings, on a rendered plate line: "UH1", an emblem, "F0F".</summary>
public sealed class PlateGlyphTests
{
    private const int Pitch = 40, Left = 12;

    /// <summary>A 64-pixel line with one glyph per pitch; at position 3 a filled disc a third of a letter's height.</summary>
    private static Mat Line()
    {
        var line = new Mat(64, Left * 2 + 7 * Pitch, MatType.CV_8UC3, OpenCvSharp.Scalar.All(235));
        string text = "UH1 F0F";
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != ' ')
                Cv2.PutText(line, text[i].ToString(), new OpenCvSharp.Point(Left + i * Pitch + 6, 48), HersheyFonts.HersheyDuplex, 1.3, OpenCvSharp.Scalar.All(20), 3, LineTypes.AntiAlias);
        }
        Cv2.Circle(line, new OpenCvSharp.Point(Left + 3 * Pitch + Pitch / 2, 33), 6, new OpenCvSharp.Scalar(30, 90, 200), -1, LineTypes.AntiAlias);
        return line;
    }

    private static TextReading Reading(string text, params float[] confidences)
    {
        var centers = Enumerable.Range(0, text.Length).Select(i => (Left + i * Pitch + Pitch / 2f) / (Left * 2 + 7 * Pitch)).ToList();
        return new TextReading(text, confidences.Average(), centers, confidences);
    }

    [Fact]
    public void A_weakly_read_emblem_between_character_groups_is_dropped()
    {
        using var line = Line();
        var read = PlateGlyphs.DropBlobs(line, Reading("UH10F0F", 0.99f, 1f, 0.6f, 0.4f, 1f, 1f, 1f));
        Assert.Equal("UH1F0F", read.Text);
        Assert.Equal(6, read.CharacterConfidences.Count);
        Assert.Equal(6, read.CharacterCenters.Count);
    }

    [Fact]
    public void Surely_read_characters_and_weak_letters_of_full_height_are_kept()
    {
        using var line = Line();
        // Read surely, the mark stands (the recogniser is trusted over the ink check).
        Assert.Equal("UH10F0F", PlateGlyphs.DropBlobs(line, Reading("UH10F0F", 1f, 1f, 1f, 0.95f, 1f, 1f, 1f)).Text);
        // A weak '1' of full height is a character, not an emblem.
        Assert.Equal("UH10F0F", PlateGlyphs.DropBlobs(line, Reading("UH10F0F", 1f, 1f, 0.4f, 0.95f, 1f, 1f, 1f)).Text);
    }
}
