using System.Globalization;
using OpenCvSharp;

namespace Sightline.StoredVideo.Redaction;

/// <summary>Covers a box of a BGR frame in place, and draws a plan's boxes for review.</summary>
public static class Cover
{
    /// <summary>
    /// Blocks across the longer side of a pixelated box (margin included). Eight blocks leave a face as a few patches
    /// of skin and hair tone: the face detector found none of the covered faces again in the measured outputs
    /// (docs/redaction.md), where it finds every one of them in the source.
    /// </summary>
    public const int Cells = 8;

    /// <summary>A blurred box is worked on at this size (longer side), then enlarged: a strong blur for the price of a small one.</summary>
    private const int BlurSide = 32;

    public static void Apply(Mat frame, TrackBox box, CoverStyle style)
    {
        var rect = new Rect(box.X, box.Y, box.Width, box.Height) & new Rect(0, 0, frame.Width, frame.Height);
        if (rect.Width < 1 || rect.Height < 1)
            return;
        using var roi = new Mat(frame, rect);
        using var small = new Mat();
        if (style == CoverStyle.Pixelate)
        {
            int block = Math.Max(1, (int)Math.Ceiling(Math.Max(rect.Width, rect.Height) / (double)Cells));
            Cv2.Resize(roi, small, new Size(Math.Max(1, (rect.Width + block - 1) / block), Math.Max(1, (rect.Height + block - 1) / block)), 0, 0, InterpolationFlags.Area);
            Cv2.Resize(small, roi, new Size(rect.Width, rect.Height), 0, 0, InterpolationFlags.Nearest);
            return;
        }
        double scale = Math.Min(1, BlurSide / (double)Math.Max(rect.Width, rect.Height));
        Cv2.Resize(roi, small, new Size(Math.Max(1, (int)Math.Round(rect.Width * scale)), Math.Max(1, (int)Math.Round(rect.Height * scale))), 0, 0, InterpolationFlags.Area);
        // Sigma a quarter of the (small) box's longer side, twice: features of any size inside the box are gone.
        double sigma = Math.Max(small.Width, small.Height) / 4.0;
        Cv2.GaussianBlur(small, small, new Size(0, 0), sigma, sigma, BorderTypes.Replicate);
        Cv2.GaussianBlur(small, small, new Size(0, 0), sigma, sigma, BorderTypes.Replicate);
        Cv2.Resize(small, roi, new Size(rect.Width, rect.Height), 0, 0, InterpolationFlags.Linear);
    }

    /// <summary>Draws a planned box with its track index: red when it will be covered, green when kept visible.</summary>
    public static void Outline(Mat frame, RedactionTrack track, TrackBox box, bool kept)
    {
        var colour = kept ? new Scalar(60, 200, 60) : new Scalar(40, 40, 230);
        int thickness = Math.Max(2, Math.Min(frame.Width, frame.Height) / 360);
        Cv2.Rectangle(frame, new Rect(box.X, box.Y, box.Width, box.Height), colour, thickness);
        string label = string.Create(CultureInfo.InvariantCulture, $"{track.Index} {track.Kind.ToString().ToLowerInvariant()}{(kept ? " kept" : "")}");
        double fontScale = Math.Max(0.5, Math.Min(frame.Width, frame.Height) / 900.0);
        var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, fontScale, thickness, out int baseline);
        int top = box.Y - size.Height - baseline - 4 >= 0 ? box.Y - size.Height - baseline - 4 : Math.Min(frame.Height - size.Height - baseline, box.Y + box.Height);
        Cv2.Rectangle(frame, new Rect(box.X, top, size.Width + 6, size.Height + baseline + 4), colour, -1);
        Cv2.PutText(frame, label, new Point(box.X + 3, top + size.Height + 2), HersheyFonts.HersheySimplex, fontScale, Scalar.White, thickness, LineTypes.AntiAlias);
    }
}
