using System.Buffers.Binary;
using System.IO.Compression;
using OpenCvSharp;

namespace Sightline.Fuzzing;

/// <summary>
/// The images a campaign starts from: photos (the model pack's face fixtures, scaled down so requests stay quick)
/// and a drawn scene, each as JPEG, PNG, WebP and BMP; and decompression bombs, made once per campaign: a PNG and a
/// WebP whose headers claim hundreds of megapixels with a few hundred kilobytes of data, a 64-megapixel JPEG, and a
/// 36-megapixel PNG that is within the limits and must be decoded.
/// </summary>
public sealed class ImageSeeds
{
    private static readonly string[] s_formats = [".jpg", ".png", ".webp", ".bmp"];

    public IReadOnlyList<byte[]> Images { get; }

    public IReadOnlyList<byte[]> Jpegs { get; }

    public IReadOnlyList<byte[]> Bombs { get; }

    private ImageSeeds(List<byte[]> images, List<byte[]> jpegs, List<byte[]> bombs) => (Images, Jpegs, Bombs) = (images, jpegs, bombs);

    /// <param name="photos">Photos to start from (at most four are used); none gives drawn scenes only.</param>
    public static ImageSeeds Create(IEnumerable<string> photos)
    {
        var images = new List<byte[]>();
        var jpegs = new List<byte[]>();
        var sources = photos.Take(4).Select(p => Cv2.ImRead(p, ImreadModes.Color)).Where(m => !m.Empty()).ToList();
        sources.Add(Scene(160, 120));
        sources.Add(Scene(96, 96));
        foreach (var source in sources)
        {
            using var scaled = Fit(source, 320);
            foreach (string format in s_formats)
            {
                var bytes = scaled.ImEncode(format);
                images.Add(bytes);
                if (format == ".jpg") jpegs.Add(bytes);
            }
            source.Dispose();
        }
        return new ImageSeeds(images, jpegs, Bombs_());
    }

    private static Mat Fit(Mat source, int side)
    {
        double scale = Math.Min(1.0, side / (double)Math.Max(source.Width, source.Height));
        var scaled = new Mat();
        Cv2.Resize(source, scaled, new Size(Math.Max(1, (int)(source.Width * scale)), Math.Max(1, (int)(source.Height * scale))), interpolation: InterpolationFlags.Area);
        return scaled;
    }

    private static Mat Scene(int width, int height)
    {
        var mat = new Mat(height, width, MatType.CV_8UC3, OpenCvSharp.Scalar.All(200));
        Cv2.Circle(mat, new Point(width / 2, height / 2), Math.Min(width, height) / 3, new OpenCvSharp.Scalar(60, 120, 200), -1);
        Cv2.Rectangle(mat, new Rect(width / 8, height / 8, width / 4, height / 5), new OpenCvSharp.Scalar(20, 20, 20), -1);
        Cv2.PutText(mat, "AB12", new Point(4, height - 8), HersheyFonts.HersheySimplex, 0.6, OpenCvSharp.Scalar.All(0), 2);
        return mat;
    }

    private static List<byte[]> Bombs_()
    {
        using var black = new Mat(8000, 8000, MatType.CV_8UC1, OpenCvSharp.Scalar.All(0));
        var jpeg = black.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 10));
        return [ZeroPng(16_000, 16_000), ZeroPng(6_000, 6_000), jpeg, LosslessWebPHeader(16_383, 16_383)];
    }

    /// <summary>A valid greyscale PNG of zeros: a few hundred kilobytes that inflate to width × height bytes.</summary>
    public static byte[] ZeroPng(int width, int height)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[width + 1]; // filter byte 0, then the row
            for (int y = 0; y < height; y++)
                z.Write(row);
        }
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth; colour type 0 (grey), compression, filter and interlace 0
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    /// <summary>PNG's CRC-32 (ISO 3309), bit by bit: a few chunks per campaign.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A WebP whose lossless header claims width × height, followed by a few bytes of stream.</summary>
    private static byte[] LosslessWebPHeader(int width, int height)
    {
        var data = new byte[64];
        "RIFF"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), data.Length - 8);
        "WEBPVP8L"u8.CopyTo(data.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), data.Length - 20);
        data[20] = 0x2F;
        uint bits = (uint)(width - 1) | ((uint)(height - 1) << 14);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(21), bits);
        return data;
    }
}
