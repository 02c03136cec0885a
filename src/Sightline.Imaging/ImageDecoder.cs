using OpenCvSharp;

namespace Sightline.Imaging;

/// <summary>
/// Turns untrusted bytes into a <see cref="DecodedImage"/>: checks size, reads the header, applies the limits,
/// then decodes and rotates upright. Every refusal is a typed <see cref="SightlineException"/>.
/// </summary>
public sealed class ImageDecoder(ImageLimits limits)
{
    public ImageDecoder()
        : this(ImageLimits.Default)
    {
    }

    public ImageLimits Limits { get; } = limits;

    public DecodedImage Decode(ReadOnlySpan<byte> data, ImageSource source = ImageSource.Inline)
    {
        int maxBytes = source == ImageSource.Inline ? Limits.MaxInlineBytes : Limits.MaxFileBytes;
        if (data.Length > maxBytes)
            throw SightlineException.TooLarge($"The image is {data.Length:N0} bytes; the limit for {Describe(source)} is {maxBytes:N0} bytes.");
        var header = Inspect(data);
        Mat raw = Cv2.ImDecode(data, ImreadModes.Unchanged | ImreadModes.IgnoreOrientation);
        if (raw.Empty())
        {
            raw.Dispose();
            throw SightlineException.InvalidImage($"The {header.Format} image could not be decoded: its data is corrupt.");
        }
        raw = ToBgr(raw);
        if (raw.Width != header.Width || raw.Height != header.Height)
        {
            // Sizes are read before the Mat is released: reading them after would touch freed native memory.
            string message = $"The {header.Format} image decoded to {raw.Width}x{raw.Height}, not the {header.Width}x{header.Height} its header declares.";
            raw.Dispose();
            throw SightlineException.InvalidImage(message);
        }
        return new DecodedImage(Orient(raw, header.Orientation), header);
    }

    /// <summary>
    /// 8-bit BGR from whatever was stored: grey is expanded, 16-bit is scaled down, and transparency is composited
    /// over white, as a viewer shows it (a transparent PNG's hidden pixels are often black, which would hide black text).
    /// </summary>
    private static Mat ToBgr(Mat raw)
    {
        if (raw.Depth() != MatType.CV_8U)
        {
            var eight = new Mat();
            raw.ConvertTo(eight, MatType.CV_8U, raw.Depth() == MatType.CV_16U ? 1 / 257.0 : 1);
            raw.Dispose();
            raw = eight;
        }
        if (raw.Channels() == 3)
            return raw;
        var bgr = new Mat();
        if (raw.Channels() == 1)
        {
            Cv2.CvtColor(raw, bgr, ColorConversionCodes.GRAY2BGR);
        }
        else
        {
            using var bgra = new Mat();
            if (raw.Channels() == 2)
            {
                var planes = Cv2.Split(raw);
                Cv2.Merge([planes[0], planes[0], planes[0], planes[1]], bgra);
                foreach (var p in planes) p.Dispose();
            }
            else
            {
                raw.CopyTo(bgra);
            }
            var channels = Cv2.Split(bgra);
            using var alpha = new Mat();
            channels[3].ConvertTo(alpha, MatType.CV_32F, 1 / 255.0);
            using var inverse = new Mat();
            Cv2.Subtract(Scalar.All(1.0), alpha, inverse);
            var composited = new Mat[3];
            for (int c = 0; c < 3; c++)
            {
                using var f = new Mat();
                channels[c].ConvertTo(f, MatType.CV_32F);
                using var fg = f.Mul(alpha).ToMat();
                using var bg = (inverse * 255.0).ToMat();
                using var sum = new Mat();
                Cv2.Add(fg, bg, sum);
                composited[c] = new Mat();
                sum.ConvertTo(composited[c], MatType.CV_8U);
            }
            Cv2.Merge(composited, bgr);
            foreach (var m in composited.Concat(channels)) m.Dispose();
        }
        raw.Dispose();
        return bgr;
    }

    public DecodedImage DecodeFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw SightlineException.InvalidParameter($"The image file '{path}' does not exist.");
        if (info.Length > Limits.MaxFileBytes)
            throw SightlineException.TooLarge($"The image file '{path}' is {info.Length:N0} bytes; the limit is {Limits.MaxFileBytes:N0} bytes.");
        return Decode(File.ReadAllBytes(path), ImageSource.File);
    }

    /// <summary>Reads and validates the header against the limits without decoding pixels.</summary>
    public ImageHeader Inspect(ReadOnlySpan<byte> data)
    {
        var header = ImageHeaderReader.Read(data);
        if (header.Width <= 0 || header.Height <= 0)
            throw SightlineException.InvalidImage($"The {header.Format} header declares an empty image ({header.Width}x{header.Height}).");
        if (header.Width > Limits.MaxSide || header.Height > Limits.MaxSide || header.Pixels > Limits.MaxPixels)
            throw SightlineException.TooLarge($"The image is {header.Width}x{header.Height} ({header.Pixels:N0} pixels); the limits are {Limits.MaxSide} px per side and {Limits.MaxPixels:N0} pixels.");
        if (header.Width < Limits.MinSide || header.Height < Limits.MinSide)
            throw SightlineException.InvalidParameter($"The image is {header.Width}x{header.Height}; each side must be at least {Limits.MinSide} px.");
        return header;
    }

    private static string Describe(ImageSource source) => source == ImageSource.Inline ? "inline image bytes" : "an image file";

    private static Mat Orient(Mat raw, ExifOrientation orientation)
    {
        if (orientation == ExifOrientation.TopLeft)
            return raw;
        var result = new Mat();
        switch (orientation)
        {
            case ExifOrientation.TopRight: Cv2.Flip(raw, result, FlipMode.Y); break;
            case ExifOrientation.BottomRight: Cv2.Rotate(raw, result, RotateFlags.Rotate180); break;
            case ExifOrientation.BottomLeft: Cv2.Flip(raw, result, FlipMode.X); break;
            case ExifOrientation.LeftTop: Cv2.Transpose(raw, result); break;
            case ExifOrientation.RightTop: Cv2.Rotate(raw, result, RotateFlags.Rotate90Clockwise); break;
            case ExifOrientation.RightBottom:
                using (var t = new Mat())
                {
                    Cv2.Transpose(raw, t);
                    Cv2.Rotate(t, result, RotateFlags.Rotate180);
                }
                break;
            case ExifOrientation.LeftBottom: Cv2.Rotate(raw, result, RotateFlags.Rotate90Counterclockwise); break;
        }
        raw.Dispose();
        return result;
    }
}
