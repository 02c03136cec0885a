using System.Buffers.Binary;

namespace Sightline.Fuzzing;

/// <summary>EXIF (APP1) blocks put into a JPEG right after its SOI: an orientation and a thumbnail, or malformed TIFF.</summary>
internal static class Exif
{
    /// <summary>IFD0 with an orientation (any value, valid or not) and IFD1 with a JPEG thumbnail, which has its own SOF.</summary>
    public static byte[] WithThumbnail(Random rng, byte[] jpeg, byte[] thumbnail)
    {
        if (thumbnail.Length > 60_000)
            thumbnail = thumbnail[..60_000];
        var tiff = new byte[56 + thumbnail.Length];
        var t = tiff.AsSpan();
        "II*\0"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt32LittleEndian(t[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(t[8..], 1);
        Entry(t[10..], 0x0112, 3, 1, rng.One<uint>([1, 3, 6, 8, 0, 9, 65535]));
        BinaryPrimitives.WriteUInt32LittleEndian(t[22..], 26);
        BinaryPrimitives.WriteUInt16LittleEndian(t[26..], 2);
        Entry(t[28..], 0x0201, 4, 1, 56);
        Entry(t[40..], 0x0202, 4, 1, (uint)thumbnail.Length);
        thumbnail.CopyTo(t[56..]);
        return Insert(jpeg, tiff);
    }

    public static byte[] Malformed(Random rng, byte[] jpeg)
    {
        var tiff = new byte[64];
        var t = tiff.AsSpan();
        (rng.Chance(0.5) ? "II*\0"u8 : "MM\0*"u8).CopyTo(t);
        BinaryPrimitives.WriteUInt32LittleEndian(t[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(t[8..], 1);
        Entry(t[10..], 0x0112, 3, 1, 6);
        switch (rng.Next(7))
        {
            case 0: BinaryPrimitives.WriteUInt16LittleEndian(t[8..], 0xFFFF); break; // more entries than bytes
            case 1: BinaryPrimitives.WriteUInt32LittleEndian(t[4..], 0xFFFFFFF0); break; // IFD0 far past the end
            case 2: BinaryPrimitives.WriteUInt32LittleEndian(t[22..], 8); break; // the next IFD is IFD0 again: a cycle
            case 3: Entry(t[10..], 0x0112, 4, 100_000, 0x7FFFFFFF); break; // a value array far outside the block
            case 4: tiff = tiff[..rng.Next(0, 12)]; break; // cut inside the header
            case 5: Entry(t[10..], 0x0112, (ushort)rng.Next(0, 20), (uint)rng.Next(), (uint)rng.Next()); break; // any type and count
            default: ImageCorpus.Noise(rng, 56).CopyTo(t[8..]); break;
        }
        var result = Insert(jpeg, tiff);
        if (rng.Chance(0.2)) // an APP1 length that does not match what follows
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(4), (ushort)rng.Next(0, 0x10000));
        return result;
    }

    private static void Entry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(at, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(at[4..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(at[8..], value);
    }

    private static byte[] Insert(byte[] jpeg, byte[] tiff)
    {
        var app1 = new byte[4 + 6 + tiff.Length];
        app1[0] = 0xFF;
        app1[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), (ushort)Math.Min(0xFFFF, 2 + 6 + tiff.Length));
        "Exif\0\0"u8.CopyTo(app1.AsSpan(4));
        tiff.CopyTo(app1, 10);
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }
}
