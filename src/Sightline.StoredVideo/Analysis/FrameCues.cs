using OpenCvSharp;

namespace Sightline.StoredVideo.Analysis;

/// <summary>What one small frame shows: its colour histogram (for shot cuts), its share of black pixels, whether it is colour bars.</summary>
internal sealed record FrameCues(float[] Histogram, float BlackShare, float? BarsConfidence)
{
    private const int HueBins = 16, SaturationBins = 4, ValueBins = 4;

    /// <summary>SMPTE colour bars, left to right: grey, yellow, cyan, green, magenta, red, blue (which of R, G, B are lit).</summary>
    private static readonly (bool R, bool G, bool B)[] s_bars =
        [(true, true, true), (true, true, false), (false, true, true), (false, true, false), (true, false, true), (true, false, false), (false, false, true)];

    /// <param name="blackLevel">A pixel at or below this luminance (0–255) is black.</param>
    public static FrameCues Of(Mat bgr, int blackLevel)
    {
        using var hsv = new Mat();
        Cv2.CvtColor(bgr, hsv, ColorConversionCodes.BGR2HSV);
        using var counts = new Mat();
        Cv2.CalcHist([hsv], [0, 1, 2], null, counts, 3, [HueBins, SaturationBins, ValueBins], [new Rangef(0, 180), new Rangef(0, 256), new Rangef(0, 256)]);
        var histogram = new float[HueBins * SaturationBins * ValueBins];
        System.Runtime.InteropServices.Marshal.Copy(counts.Data, histogram, 0, histogram.Length); // continuous CV_32F
        float total = bgr.Rows * bgr.Cols;
        for (int i = 0; i < histogram.Length; i++)
            histogram[i] /= total;
        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
        using var dark = new Mat();
        Cv2.Threshold(gray, dark, blackLevel, 255, ThresholdTypes.BinaryInv);
        int black = Cv2.CountNonZero(dark);
        return new FrameCues(histogram, black / total, Bars(bgr));
    }

    /// <summary>1 − the histograms' intersection: 0 for the same colours, 1 for none in common.</summary>
    public float Distance(FrameCues other)
    {
        float common = 0;
        for (int i = 0; i < Histogram.Length; i++)
            common += Math.Min(Histogram[i], other.Histogram[i]);
        return 1 - common;
    }

    /// <summary>
    /// Colour bars: the top two thirds split in seven even columns, each of one flat colour (little spread), lit in
    /// the bars' order. The confidence falls with the columns' spread; null when the frame is not bars.
    /// </summary>
    private static float? Bars(Mat bgr)
    {
        int width = bgr.Cols, height = bgr.Rows * 2 / 3;
        if (width < 28 || height < 8)
            return null;
        double worst = 0;
        for (int i = 0; i < s_bars.Length; i++)
        {
            int x0 = width * i / 7, x1 = width * (i + 1) / 7, margin = Math.Max(1, (x1 - x0) / 5);
            using var column = new Mat(bgr, new Rect(x0 + margin, height / 10, x1 - x0 - 2 * margin, height * 8 / 10));
            Cv2.MeanStdDev(column, out var mean, out var spread);
            var (r, g, b) = s_bars[i];
            if (!Lit(mean.Val2, r) || !Lit(mean.Val1, g) || !Lit(mean.Val0, b))
                return null;
            worst = Math.Max(worst, Math.Max(spread.Val0, Math.Max(spread.Val1, spread.Val2)));
        }
        return worst > 20 ? null : (float)(100 - worst * 2.5);
    }

    private static bool Lit(double value, bool lit) => lit ? value >= 120 : value <= 70;
}
