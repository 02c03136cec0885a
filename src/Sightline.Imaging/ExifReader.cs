using System.Buffers.Binary;

namespace Sightline.Imaging;

/// <summary>Reads the orientation tag from a TIFF-structured EXIF block; anything malformed means "as stored".</summary>
internal static class ExifReader
{
    private const ushort OrientationTag = 0x0112;

    public static ExifOrientation? ReadOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
            return null;
        bool little = tiff[0] == (byte)'I' && tiff[1] == (byte)'I';
        bool big = tiff[0] == (byte)'M' && tiff[1] == (byte)'M';
        if (!little && !big)
            return null;
        uint ifd = ReadU32(tiff[4..], little);
        // Compared without adding to the offset, which a block could set near uint.MaxValue to wrap the sum.
        if (ifd < 8 || ifd > (uint)tiff.Length - 2)
            return null;
        int count = ReadU16(tiff[(int)ifd..], little);
        for (int i = 0; i < count; i++)
        {
            int entry = (int)ifd + 2 + i * 12;
            if (entry + 12 > tiff.Length)
                break;
            if (ReadU16(tiff[entry..], little) != OrientationTag)
                continue;
            int value = ReadU16(tiff[(entry + 8)..], little);
            return value is >= 1 and <= 8 ? (ExifOrientation)value : null;
        }
        return null;
    }

    private static ushort ReadU16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint ReadU32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
