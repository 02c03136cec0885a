using OpenCvSharp;

namespace Sightline.Imaging;

/// <summary>A decoded, upright 8-bit BGR image. Owns its native buffer.</summary>
public sealed class DecodedImage : IDisposable
{
    internal DecodedImage(Mat bgr, ImageHeader header)
    {
        Bgr = bgr;
        Header = header;
    }

    /// <summary>Pixels in BGR order, rows top to bottom, with EXIF orientation already applied.</summary>
    public Mat Bgr { get; }

    public ImageHeader Header { get; }

    public int Width => Bgr.Width;

    public int Height => Bgr.Height;

    /// <summary>Wraps an existing BGR Mat (takes ownership). For generated images and video frames.</summary>
    public static DecodedImage FromBgr(Mat bgr)
    {
        ArgumentNullException.ThrowIfNull(bgr);
        if (bgr.Type() != MatType.CV_8UC3)
            throw new ArgumentException("Expected an 8-bit, 3-channel BGR image.", nameof(bgr));
        return new DecodedImage(bgr, new ImageHeader(ImageFormat.Png, bgr.Width, bgr.Height, ExifOrientation.TopLeft));
    }

    public void Dispose() => Bgr.Dispose();
}
