namespace Sightline.Imaging;

public enum ImageFormat
{
    Jpeg,
    Png,
    WebP,
    Bmp,
}

/// <summary>What the header says before any pixel is decoded. Width and height are as stored (before EXIF rotation).</summary>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height, ExifOrientation Orientation)
{
    public long Pixels => (long)Width * Height;

    /// <summary>True when the orientation swaps width and height.</summary>
    public bool Transposes => Orientation >= ExifOrientation.LeftTop;

    public int DisplayWidth => Transposes ? Height : Width;

    public int DisplayHeight => Transposes ? Width : Height;
}

/// <summary>EXIF tag 0x0112 values.</summary>
public enum ExifOrientation
{
    TopLeft = 1,
    TopRight = 2,
    BottomRight = 3,
    BottomLeft = 4,
    LeftTop = 5,
    RightTop = 6,
    RightBottom = 7,
    LeftBottom = 8,
}
