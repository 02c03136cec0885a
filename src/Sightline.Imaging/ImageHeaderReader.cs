using System.Buffers.Binary;

namespace Sightline.Imaging;

/// <summary>Reads format, size and orientation from the first bytes of an image without decoding pixels.</summary>
public static class ImageHeaderReader
{
    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
            throw SightlineException.InvalidImage("The image is empty (0 bytes).");
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return ReadJpeg(data);
        if (data.Length >= 8 && data[..8].SequenceEqual(s_pngSignature))
            return ReadPng(data);
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
            return ReadWebP(data);
        if (data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M')
            return ReadBmp(data);
        throw SightlineException.InvalidImage("The bytes are not a JPEG, PNG, WebP or BMP image.");
    }

    private static ReadOnlySpan<byte> s_pngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> data)
    {
        ExifOrientation? orientation = null;
        int pos = 2;
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF)
                throw Truncated("JPEG", "a marker was expected");
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            // FF 00 is a stuffed zero, not a marker: the decoder skips it and scans on for the next marker, so reading
            // a length here would follow different segments from the decoder's and could report another frame's size.
            if (marker == 0x00)
                throw Truncated("JPEG", "a marker was expected");
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7) { pos += 2; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 2, 2));
            if (length < 2 || pos + 2 + length > data.Length)
                throw Truncated("JPEG", "a segment runs past the end");
            var segment = data.Slice(pos + 4, length - 2);
            // The first EXIF block that carries an orientation wins, as in common readers.
            if (orientation is null && marker == 0xE1 && segment.Length > 6 && segment[..6].SequenceEqual("Exif\0\0"u8))
                orientation = ExifReader.ReadOrientation(segment[6..]);
            bool isSof = marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);
            if (isSof)
            {
                if (segment.Length < 5)
                    throw Truncated("JPEG", "the frame header is short");
                int height = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(1, 2));
                int width = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(3, 2));
                RequireEndOfImage(data, pos + 2 + length);
                return new ImageHeader(ImageFormat.Jpeg, width, height, orientation ?? ExifOrientation.TopLeft);
            }
            if (marker == 0xDA)
                break;
            pos += 2 + length;
        }
        throw Truncated("JPEG", "no frame header was found");
    }

    // A JPEG cut short loses its EOI marker; the EXIF thumbnail's own EOI sits before the frame header, so
    // only an EOI after the main frame counts. Byte 0xFF inside entropy data is always stuffed, so FF D9 is unambiguous.
    private static void RequireEndOfImage(ReadOnlySpan<byte> data, int afterFrame)
    {
        var tail = data[afterFrame..];
        if (tail.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0)
            throw Truncated("JPEG", "the end-of-image marker is missing");
    }

    private static ImageHeader ReadPng(ReadOnlySpan<byte> data)
    {
        if (data.Length < 33 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw Truncated("PNG", "the IHDR chunk is missing");
        int width = checked((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data.Slice(16, 4)), int.MaxValue));
        int height = checked((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data.Slice(20, 4)), int.MaxValue));
        RequirePngChunksInBounds(data);
        return new ImageHeader(ImageFormat.Png, width, height, ExifOrientation.TopLeft);
    }

    // Every chunk up to IEND must lie inside the bytes: the decoder sizes its buffer from a chunk's declared length,
    // so a 100-byte file whose chunk claims 4 GB would have it allocate and scan gigabytes before failing.
    private static void RequirePngChunksInBounds(ReadOnlySpan<byte> data)
    {
        int pos = 8;
        while (pos <= data.Length - 12)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos, 4));
            if (length > (uint)(data.Length - pos - 12))
                throw Truncated("PNG", "a chunk runs past the end");
            if (data.Slice(pos + 4, 4).SequenceEqual("IEND"u8))
                return;
            pos += 12 + (int)length;
        }
        throw Truncated("PNG", "the IEND chunk is missing");
    }

    private static ImageHeader ReadWebP(ReadOnlySpan<byte> data)
    {
        long riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4, 4)) + 8L;
        if (riffSize > data.Length || data.Length < 30)
            throw Truncated("WebP", "the RIFF container is shorter than it declares");
        var chunk = data.Slice(12, 4);
        var body = data[20..];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            if (body.Length < 10 || body[3] != 0x9D || body[4] != 0x01 || body[5] != 0x2A)
                throw SightlineException.InvalidImage("The WebP image has a malformed VP8 frame header.");
            int w = BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(6, 2)) & 0x3FFF;
            int h = BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(8, 2)) & 0x3FFF;
            return new ImageHeader(ImageFormat.WebP, w, h, ExifOrientation.TopLeft);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (body.Length < 5 || body[0] != 0x2F)
                throw SightlineException.InvalidImage("The WebP image has a malformed VP8L header.");
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(body.Slice(1, 4));
            return new ImageHeader(ImageFormat.WebP, (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1, ExifOrientation.TopLeft);
        }
        if (chunk.SequenceEqual("VP8X"u8))
        {
            if (body.Length < 10)
                throw Truncated("WebP", "the VP8X header is short");
            int w = (body[4] | body[5] << 8 | body[6] << 16) + 1;
            int h = (body[7] | body[8] << 8 | body[9] << 16) + 1;
            return new ImageHeader(ImageFormat.WebP, w, h, ExifOrientation.TopLeft);
        }
        throw SightlineException.InvalidImage("The WebP image has an unknown first chunk.");
    }

    private static ImageHeader ReadBmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 26)
            throw Truncated("BMP", "the header is short");
        uint fileSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(2, 4));
        if (fileSize > data.Length)
            throw Truncated("BMP", "the file is shorter than it declares");
        uint dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(14, 4));
        int width, height;
        if (dibSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(18, 2));
            height = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(20, 2));
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(18, 4));
            // Negative height means top-down rows; int.MinValue has no positive counterpart and is no real height.
            int signed = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(22, 4));
            height = signed == int.MinValue ? 0 : Math.Abs(signed);
        }
        return new ImageHeader(ImageFormat.Bmp, width, height, ExifOrientation.TopLeft);
    }

    private static SightlineException Truncated(string format, string detail) =>
        SightlineException.InvalidImage($"The {format} image is truncated or corrupt: {detail}.");
}
