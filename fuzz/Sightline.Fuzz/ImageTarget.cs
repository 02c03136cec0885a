using Sightline.Imaging;

namespace Sightline.Fuzz;

/// <summary>
/// Image bytes: the EXIF orientation reader on the raw bytes (as a TIFF block), the header reader, the limits check
/// (<see cref="ImageDecoder.Inspect"/>) and a full decode with small limits (so a header claiming a large image is
/// refused before the native decoder allocates it).
/// </summary>
public sealed class ImageTarget : IFuzzTarget
{
    private static readonly ImageDecoder s_default = new();

    private static readonly ImageDecoder s_small = new(new ImageLimits { MinSide = 1, MaxSide = 1024, MaxPixels = 256 * 1024 });

    public string Name => "image";

    public void Run(ReadOnlySpan<byte> input)
    {
        var orientation = ExifReader.ReadOrientation(input);
        if (orientation is { } o && !Enum.IsDefined(o))
            throw new ContractViolationException($"ExifReader returned orientation {(int)o}.");
        FuzzTargets.Note($"exif {orientation?.ToString() ?? "none"}");

        ImageHeader? header = null;
        try
        {
            header = ImageHeaderReader.Read(input);
            FuzzTargets.Note($"header {header}");
        }
        catch (SightlineException ex)
        {
            FuzzTargets.Note("header", ex);
        }

        try
        {
            var inspected = s_default.Inspect(input);
            if (inspected != header || inspected.Width <= 0 || inspected.Height <= 0 || inspected.Pixels > s_default.Limits.MaxPixels)
                throw new ContractViolationException($"Inspect returned {inspected} for a header read as {header}.");
            FuzzTargets.Note("inspect");
        }
        catch (SightlineException ex)
        {
            FuzzTargets.Note("inspect", ex);
        }

        try
        {
            using var image = s_small.Decode(input);
            if (image.Width != image.Header.DisplayWidth || image.Height != image.Header.DisplayHeight || image.Bgr.Channels() != 3)
                throw new ContractViolationException($"Decode returned {image.Width}x{image.Height}x{image.Bgr.Channels()} for {image.Header}.");
            FuzzTargets.Note($"decode {image.Width}x{image.Height}");
        }
        catch (SightlineException ex)
        {
            FuzzTargets.Note("decode", ex);
        }
    }
}
