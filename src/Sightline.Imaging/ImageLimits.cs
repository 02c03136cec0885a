namespace Sightline.Imaging;

/// <summary>
/// Limits applied to untrusted image bytes before decoding. Defaults mirror Rekognition: 5 MB inline,
/// 15 MB from a file or object, at least 80 px per side; the pixel cap stops decompression bombs.
/// </summary>
public sealed record ImageLimits
{
    public const int RekognitionInlineBytes = 5 * 1024 * 1024;
    public const int RekognitionFileBytes = 15 * 1024 * 1024;

    public int MaxInlineBytes { get; init; } = RekognitionInlineBytes;
    public int MaxFileBytes { get; init; } = RekognitionFileBytes;
    public int MinSide { get; init; } = 80;
    public int MaxSide { get; init; } = 16384;

    /// <summary>40 MP: a 15 MB JPEG rarely holds more; a bomb claiming 400 MP is refused from its header.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    public static ImageLimits Default { get; } = new();
}

/// <summary>Where the bytes came from: inline bytes (API body) or a file/object, which have different size caps.</summary>
public enum ImageSource
{
    Inline,
    File,
}
