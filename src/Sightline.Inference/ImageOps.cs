using OpenCvSharp;

namespace Sightline.Inference;

/// <summary>Crop/resize/warp and tensor packing for model inputs. Only output pixels are computed.</summary>
public static class ImageOps
{
    /// <summary>
    /// Samples <paramref name="region"/> of <paramref name="src"/> into a new <paramref name="width"/>×<paramref name="height"/>
    /// image (bilinear); parts outside the image are black. One affine warp does crop, pad and resize at once.
    /// </summary>
    public static Mat CropResize(Mat src, RectF region, int width, int height)
    {
        // A region that is already whole pixels of the right size inside the image needs no resampling: a view.
        if (region.X1 == MathF.Round(region.X1) && region.Y1 == MathF.Round(region.Y1)
            && region.Width == width && region.Height == height
            && region.X1 >= 0 && region.Y1 >= 0 && region.X2 <= src.Width && region.Y2 <= src.Height)
        {
            return new Mat(src, new Rect((int)region.X1, (int)region.Y1, width, height));
        }
        double sx = width / (double)region.Width, sy = height / (double)region.Height;
        using var m = new Mat(2, 3, MatType.CV_64FC1);
        m.Set(0, 0, sx); m.Set(0, 1, 0.0); m.Set(0, 2, -region.X1 * sx);
        m.Set(1, 0, 0.0); m.Set(1, 1, sy); m.Set(1, 2, -region.Y1 * sy);
        var dst = new Mat();
        // Downscaling by more than 2x with bilinear aliases; area resampling on the cropped ROI is cleaner then.
        if (sx < 0.5 && sy < 0.5)
        {
            var clipped = region.ClipTo(src.Width, src.Height);
            if (clipped.Width >= 1 && clipped.Height >= 1 && clipped == region)
            {
                using var roi = new Mat(src, new Rect((int)region.X1, (int)region.Y1, Math.Max(1, (int)region.Width), Math.Max(1, (int)region.Height)));
                Cv2.Resize(roi, dst, new Size(width, height), 0, 0, InterpolationFlags.Area);
                return dst;
            }
        }
        Cv2.WarpAffine(src, dst, m, new Size(width, height), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        return dst;
    }

    /// <summary>Packs an 8-bit BGR image into planar CHW floats: (v − mean[c]) · scale[c], channels in RGB or BGR order.</summary>
    public static unsafe void ToChw(Mat bgr, Span<float> dst, bool rgb, ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        int w = bgr.Width, h = bgr.Height, plane = w * h;
        if (dst.Length < 3 * plane)
            throw new ArgumentException("Destination too small.", nameof(dst));
        // Output channel c reads source channel (rgb ? 2 - c : c).
        int s0 = rgb ? 2 : 0, s2 = rgb ? 0 : 2;
        float m0 = mean[0], m1 = mean[1], m2 = mean[2], k0 = scale[0], k1 = scale[1], k2 = scale[2];
        fixed (float* d = dst)
        {
            for (int y = 0; y < h; y++)
            {
                byte* row = (byte*)bgr.Ptr(y);
                float* c0 = d + y * w, c1 = c0 + plane, c2 = c1 + plane;
                for (int x = 0; x < w; x++, row += 3)
                {
                    c0[x] = (row[s0] - m0) * k0;
                    c1[x] = (row[1] - m1) * k1;
                    c2[x] = (row[s2] - m2) * k2;
                }
            }
        }
    }

    /// <summary>Packs an 8-bit BGR image into interleaved HWC floats in RGB order: v · scale + offset.</summary>
    public static unsafe void ToHwcRgb(Mat bgr, Span<float> dst, float scale, float offset)
    {
        int w = bgr.Width, h = bgr.Height;
        fixed (float* d = dst)
        {
            for (int y = 0; y < h; y++)
            {
                byte* row = (byte*)bgr.Ptr(y);
                float* o = d + y * w * 3;
                for (int x = 0; x < w; x++, row += 3, o += 3)
                {
                    o[0] = row[2] * scale + offset;
                    o[1] = row[1] * scale + offset;
                    o[2] = row[0] * scale + offset;
                }
            }
        }
    }

    /// <summary>Converts an 8-bit BGR image to grey (OpenCV weights) and scales it into <paramref name="dst"/>.</summary>
    public static unsafe void ToGray(Mat bgr, Span<float> dst, float scale)
    {
        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
        int w = gray.Width, h = gray.Height;
        fixed (float* d = dst)
        {
            for (int y = 0; y < h; y++)
            {
                byte* row = (byte*)gray.Ptr(y);
                float* o = d + y * w;
                for (int x = 0; x < w; x++)
                    o[x] = row[x] * scale;
            }
        }
    }
}
