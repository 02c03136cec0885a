using OpenCvSharp;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>
/// Cheap motion detection that decides whether and where the object detector runs: the frame shrunk to
/// <see cref="WorkHeight"/> px high in grey, compared with a running-average background, thresholded, masked,
/// dilated, and its contours boxed. When most of the frame changes at once (lights switched, the camera's own
/// exposure jump) the background is taken again and no motion is reported (Frigate's "lightning" guard).
/// </summary>
public sealed class MotionDetector : IDisposable
{
    public const int WorkHeight = 120;

    /// <summary>A grey level change counted as motion (of 255).</summary>
    public const double Threshold = 25;

    /// <summary>How fast the background follows the scene: a still object joins it in about 1/α frames (50 at 0.02, 10 s at 5 fps).</summary>
    public const double BackgroundAlpha = 0.02;

    /// <summary>More than this share of the (unmasked) frame changed at once: a lighting change, not motion.</summary>
    public const double LightningShare = 0.6;

    /// <summary>Smallest motion contour, in work-size pixels (about 0.1% of the frame).</summary>
    public const double MinContourArea = 16;

    private readonly Size _work;
    private readonly Mat _mask;
    private readonly int _maskedArea;
    private readonly Mat _small = new(), _gray = new(), _background = new(), _background8 = new(), _diff = new(), _none = new();
    private bool _hasBackground;

    public MotionDetector(int width, int height, IReadOnlyList<IReadOnlyList<RelativePoint>> masks)
    {
        int h = Math.Min(WorkHeight, height);
        _work = new Size(Math.Max(1, (int)Math.Round(width * (double)h / height)), h);
        _mask = new Mat(_work, MatType.CV_8UC1, Scalar.All(255));
        foreach (var polygon in masks)
            Cv2.FillPoly(_mask, [polygon.Select(p => new Point(p.X * (_work.Width - 1), p.Y * (_work.Height - 1))).ToArray()], Scalar.All(0));
        _maskedArea = Math.Max(1, Cv2.CountNonZero(_mask));
    }

    /// <summary>True when the last frame's change was too wide to be motion.</summary>
    public bool LastWasLightning { get; private set; }

    /// <summary>The moving regions of this frame, relative to it (empty on a still scene, the first frame and a lighting change).</summary>
    public IReadOnlyList<NormalBox> Detect(Mat bgr)
    {
        Cv2.Resize(bgr, _small, _work, interpolation: InterpolationFlags.Area);
        Cv2.CvtColor(_small, _gray, ColorConversionCodes.BGR2GRAY);
        Cv2.GaussianBlur(_gray, _gray, new Size(3, 3), 0);
        LastWasLightning = false;
        if (!_hasBackground)
        {
            _gray.ConvertTo(_background, MatType.CV_32FC1);
            _hasBackground = true;
            return [];
        }
        _background.ConvertTo(_background8, MatType.CV_8UC1);
        Cv2.Absdiff(_gray, _background8, _diff);
        Cv2.Threshold(_diff, _diff, Threshold, 255, ThresholdTypes.Binary);
        Cv2.BitwiseAnd(_diff, _mask, _diff);
        if (Cv2.CountNonZero(_diff) > LightningShare * _maskedArea)
        {
            _gray.ConvertTo(_background, MatType.CV_32FC1);
            LastWasLightning = true;
            return [];
        }
        Cv2.Dilate(_diff, _diff, null, iterations: 2);
        Cv2.FindContours(_diff, out var contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple);
        var boxes = new List<NormalBox>();
        foreach (var contour in contours)
        {
            if (Cv2.ContourArea(contour) < MinContourArea)
                continue;
            var r = Cv2.BoundingRect(contour);
            boxes.Add(new NormalBox(r.X / (float)_work.Width, r.Y / (float)_work.Height, r.Width / (float)_work.Width, r.Height / (float)_work.Height));
        }
        Cv2.AccumulateWeighted(_gray, _background, BackgroundAlpha, _none);
        return boxes;
    }

    public void Dispose()
    {
        foreach (var m in new[] { _mask, _small, _gray, _background, _background8, _diff, _none })
            m.Dispose();
    }
}
