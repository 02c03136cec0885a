using OpenCvSharp;
using Sightline.Faces.Tests.Support;
using Sightline.Inference;

namespace Sightline.Faces.Tests.Unit;

public sealed class ImageOpsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToChw_equals_a_naive_per_pixel_loop(bool rgb)
    {
        using var img = Support.ImageBytes.Generated(37, 23, seed: 5);
        float[] mean = [127f, 100f, 90f], scale = [1 / 128f, 0.5f, 2f];
        var fast = new float[3 * 37 * 23];
        ImageOps.ToChw(img, fast, rgb, mean, scale);

        var naive = new float[fast.Length];
        var pixels = new Pixels(img);
        int plane = 37 * 23;
        for (int y = 0; y < 23; y++)
        {
            for (int x = 0; x < 37; x++)
            {
                                for (int c = 0; c < 3; c++)
                {
                    int source = rgb ? 2 - c : c;
                    naive[c * plane + y * 37 + x] = (pixels[y, x, source] - mean[c]) * scale[c];
                }
            }
        }
        Assert.Equal(naive, fast);
    }

    [Fact]
    public void CropResize_inside_the_image_matches_naive_bilinear()
    {
        using var raw = Support.ImageBytes.Generated(200, 160, seed: 9);
        using var img = new Mat();
        Cv2.GaussianBlur(raw, img, new Size(5, 5), 1.2);
        var region = new RectF(30.5f, 20.25f, 130.5f, 100.25f);
        using var crop = ImageOps.CropResize(img, region, 64, 48);
        Assert.Equal((64, 48), (crop.Width, crop.Height));

        double sx = 64 / (double)region.Width, sy = 48 / (double)region.Height;
        var src = new Pixels(img);
        var dst = new Pixels(crop);
        double total = 0;
        for (int v = 0; v < 48; v++)
        {
            for (int u = 0; u < 64; u++)
            {
                for (int c = 0; c < 3; c++)
                    total += Math.Abs(FaceAlignerTests.Bilinear(src, img.Width, img.Height, u / sx + region.X1, v / sy + region.Y1, c) - dst[v, u, c]);
            }
        }
        double mean = total / (64 * 48 * 3);
        Assert.True(mean < 1.5, $"mean abs difference {mean:F3}");
    }

    [Fact]
    public void CropResize_large_downscale_is_a_block_average()
    {
        using var img = Support.ImageBytes.Generated(240, 200, seed: 11);
        using var crop = ImageOps.CropResize(img, new RectF(40, 40, 200, 200), 40, 40); // 4x down
        var src = new Pixels(img);
        var dst = new Pixels(crop);
        for (int v = 0; v < 40; v++)
        {
            for (int u = 0; u < 40; u++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int y = 0; y < 4; y++)
                        for (int x = 0; x < 4; x++)
                            sum += src[40 + 4 * v + y, 40 + 4 * u + x, c];
                    Assert.True(Math.Abs(sum / 16 - dst[v, u, c]) <= 1, $"pixel ({u},{v}) channel {c}");
                }
            }
        }
    }

    [Fact]
    public void CropResize_outside_the_image_is_black()
    {
        using var img = new Mat(100, 100, MatType.CV_8UC3, Scalar.All(200));
        using var crop = ImageOps.CropResize(img, new RectF(-100, -100, 0, 0), 16, 16);
        Assert.Equal(0, Cv2.CountNonZero(crop.CvtColor(ColorConversionCodes.BGR2GRAY)));
    }
}
