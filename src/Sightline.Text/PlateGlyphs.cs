using OpenCvSharp;
using Sightline.Text.Ocr;

namespace Sightline.Text;

/// <summary>
/// Checks a plate reading against the ink under each character. US plates often carry an emblem, a registration
/// sticker or a state graphic between character groups, which the recogniser reads as a weak 0 or L. Plate
/// characters share one height; such a blob is a compact, filled mark well short of it. A weakly read character
/// whose ink is that kind of blob is dropped.
/// </summary>
internal static class PlateGlyphs
{
    /// <summary>Crops are measured at this height.</summary>
    private const int Height = 64;

    /// <summary>Characters read at least this surely are kept whatever their ink looks like.</summary>
    public const float SureConfidence = 0.9f;

    /// <summary>A blob is at most this share of the typical character height ...</summary>
    public const float BlobHeight = 0.6f;

    /// <summary>... and fills at least this share of its bounding box (strokes of a letter or digit fill 30–60%).</summary>
    public const float BlobFill = 0.65f;

    public static TextReading DropBlobs(Mat crop, TextReading reading)
    {
        int n = reading.Text.Length;
        if (n < 5 || reading.CharacterCenters.Count != n || reading.CharacterConfidences.Count != n || crop.Width < 8 || crop.Height < 8)
            return reading;
        var ink = Measure(crop, reading);
        var sure = Enumerable.Range(0, n).Where(i => reading.Text[i] != ' ' && ink[i].Height > 0 && reading.CharacterConfidences[i] >= SureConfidence)
            .Select(i => ink[i].Height).Order().ToList();
        if (sure.Count < 3)
            return reading;
        float typical = sure[sure.Count / 2];
        bool Blob(int i) => reading.Text[i] != ' ' && reading.CharacterConfidences[i] < SureConfidence
            && ink[i].Height > 0 && ink[i].Height < BlobHeight * typical && ink[i].Fill >= BlobFill;
        var keep = Enumerable.Range(0, n).Where(i => !Blob(i)).ToList();
        if (keep.Count == n)
            return reading;
        var confidences = keep.Select(i => reading.CharacterConfidences[i]).ToList();
        return new TextReading(new string([.. keep.Select(i => reading.Text[i])]), confidences.Count == 0 ? 0 : confidences.Average(),
            [.. keep.Select(i => reading.CharacterCenters[i])], confidences);
    }

    /// <summary>Per character: the height (share of the crop) and fill of the ink components centred within half a pitch of it.</summary>
    private static (float Height, float Fill)[] Measure(Mat crop, TextReading reading)
    {
        int n = reading.Text.Length;
        var result = new (float Height, float Fill)[n];
        int width = Math.Max(8, (int)Math.Round(crop.Width * Height / (double)crop.Height));
        using var gray = new Mat();
        Cv2.CvtColor(crop, gray, ColorConversionCodes.BGR2GRAY);
        using var resized = new Mat();
        Cv2.Resize(gray, resized, new Size(width, Height), 0, 0, InterpolationFlags.Cubic);
        // Ink is the minority of the middle band under a global split; the local threshold then follows shading.
        using var split = new Mat();
        Cv2.Threshold(resized, split, 0, 255, ThresholdTypes.Binary | ThresholdTypes.Otsu);
        bool darkInk;
        using (var band = new Mat(split, new Rect(0, Height / 4, width, Height / 2)))
            darkInk = Cv2.CountNonZero(band) > band.Total() / 2;
        using var binary = new Mat();
        Cv2.AdaptiveThreshold(resized, binary, 255, AdaptiveThresholdTypes.MeanC, darkInk ? ThresholdTypes.BinaryInv : ThresholdTypes.Binary, Height / 2 + 1, 8);
        using var labels = new Mat();
        using var stats = new Mat();
        using var centroids = new Mat();
        int count = Cv2.ConnectedComponentsWithStats(binary, labels, stats, centroids, PixelConnectivity.Connectivity8);
        var centers = Enumerable.Range(0, n).Where(i => reading.Text[i] != ' ').Select(i => reading.CharacterCenters[i] * width).ToList();
        if (centers.Count < 2)
            return result;
        float pitch = (centers[^1] - centers[0]) / Math.Max(1, centers.Count - 1);
        for (int i = 0; i < n; i++)
        {
            if (reading.Text[i] == ' ')
                continue;
            float x = reading.CharacterCenters[i] * width;
            int top = Height, bottom = 0, area = 0, boxArea = 0;
            for (int c = 1; c < count; c++)
            {
                int cx = stats.At<int>(c, 0), cy = stats.At<int>(c, 1), cw = stats.At<int>(c, 2), ch = stats.At<int>(c, 3), ca = stats.At<int>(c, 4);
                // Components wider than a character are the plate's frame or merged print; specks are noise.
                if (Math.Abs(cx + cw / 2f - x) > pitch / 2 || cw > 1.5f * pitch || ch < Height / 8 || ca < 6)
                    continue;
                top = Math.Min(top, cy);
                bottom = Math.Max(bottom, cy + ch);
                area += ca;
                boxArea += cw * ch;
            }
            if (boxArea > 0)
                result[i] = ((bottom - top) / (float)Height, area / (float)boxArea);
        }
        return result;
    }
}
