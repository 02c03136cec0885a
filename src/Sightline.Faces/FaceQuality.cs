using OpenCvSharp;
using Sightline.Inference;

namespace Sightline.Faces;

/// <summary>Rekognition-style Quality: brightness and sharpness of the face region, each 0..100.</summary>
public static class FaceQuality
{
    private const int Size = 96;

    /// <summary>
    /// Brightness is the mean luma of the face box. Sharpness is the variance of the Laplacian of the face
    /// resampled to 96 px (so it does not grow with face size), mapped by v/(v+K) · 100; K = 150 puts a
    /// crisp studio face near 85 and a 4-px Gaussian blur of it near 20.
    /// </summary>
    public static (float Brightness, float Sharpness) Measure(Mat bgr, RectF box)
    {
        using var patch = ImageOps.CropResize(bgr, box, Size, Size);
        using var gray = new Mat();
        Cv2.CvtColor(patch, gray, ColorConversionCodes.BGR2GRAY);
        float brightness = (float)(Cv2.Mean(gray).Val0 / 255.0 * 100.0);
        using var lap = new Mat();
        Cv2.Laplacian(gray, lap, MatType.CV_32F);
        Cv2.MeanStdDev(lap, out _, out var std);
        double variance = std.Val0 * std.Val0;
        float sharpness = (float)(variance / (variance + 150.0) * 100.0);
        return (brightness, sharpness);
    }
}
