using OpenCvSharp;

namespace Sightline.ModelImport.Tests.Support;

/// <summary>Deterministic model inputs made from a real fixture photo, resized to the model's input.</summary>
internal static class ModelInputs
{
    /// <summary>
    /// The photo stretched to <paramref name="height"/> x <paramref name="width"/>, RGB (or grey when
    /// <paramref name="channels"/> is 1), scaled by <paramref name="scale"/> and shifted by <paramref name="offset"/>;
    /// NHWC unless <paramref name="nchw"/>.
    /// </summary>
    public static float[] FromPhoto(string path, int height, int width, int channels, bool nchw = false, float scale = 1f / 255, float offset = 0)
    {
        using var bgr = Cv2.ImRead(path, ImreadModes.Color);
        Assert.False(bgr.Empty(), $"Cannot read {path}");
        using var resized = new Mat();
        Cv2.Resize(bgr, resized, new Size(width, height), 0, 0, InterpolationFlags.Area);
        using var converted = new Mat();
        Cv2.CvtColor(resized, converted, channels == 1 ? ColorConversionCodes.BGR2GRAY : ColorConversionCodes.BGR2RGB);
        var data = new float[height * width * channels];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    byte v = channels == 1 ? converted.At<byte>(y, x) : converted.At<Vec3b>(y, x)[c];
                    int i = nchw ? (c * height + y) * width + x : (y * width + x) * channels + c;
                    data[i] = v * scale + offset;
                }
            }
        }
        return data;
    }
}
