using System.Buffers.Binary;

namespace Sightline.Fuzzing;

/// <summary>
/// Image bytes for a request: a seed as it is, or damaged — bits flipped, a run overwritten, truncated, dimensions
/// inflated in the real frame header (JPEG SOF, PNG IHDR with its CRC fixed, WebP VP8/VP8L/VP8X, BMP), an EXIF block
/// whose thumbnail carries a frame header of its own, malformed EXIF, garbage before or after, a decompression bomb,
/// other formats' signatures, or nothing at all.
/// </summary>
public sealed class ImageCorpus(ImageSeeds seeds)
{
    public byte[] Next(Random rng, out string mutation)
    {
        var seed = rng.One(seeds.Images);
        switch (rng.Weighted([34, 10, 6, 8, 12, 8, 4, 4, 3, 4, 3, 4]))
        {
            case 0: mutation = "image-valid"; return seed;
            case 1: mutation = "image-bit-flips"; return BitFlips(rng, seed);
            case 2: mutation = "image-overwritten"; return Overwrite(rng, seed);
            case 3: mutation = "image-truncated"; return seed[..rng.Next(0, seed.Length)];
            case 4: mutation = "image-inflated-dimensions"; return ImageHeaders.Inflate(rng, seed);
            case 5: mutation = "image-exif-thumbnail"; return Exif.WithThumbnail(rng, rng.One(seeds.Jpegs), ImageHeaders.Inflate(rng, rng.One(seeds.Jpegs)));
            case 6: mutation = "image-exif-malformed"; return Exif.Malformed(rng, rng.One(seeds.Jpegs));
            case 7: mutation = "image-appended"; return [.. seed, .. Noise(rng, rng.Next(1, 5000))];
            case 8: mutation = "image-prepended"; return [.. Noise(rng, rng.Next(1, 64)), .. seed];
            case 9: mutation = "image-bomb"; return rng.One(seeds.Bombs);
            case 10: mutation = "image-other-format"; return rng.One(s_otherFormats);
            default: mutation = "image-tiny"; return rng.Chance(0.3) ? [] : Noise(rng, rng.Next(1, 40));
        }
    }

    private static readonly byte[][] s_otherFormats =
    [
        "GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;"u8.ToArray(), "II*\u0000\u0008\u0000\u0000\u0000"u8.ToArray(), "MM\u0000*"u8.ToArray(),
        "\u0000\u0000\u0000\u0018ftypheic\u0000\u0000\u0000\u0000"u8.ToArray(), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), "%PDF-1.4\n"u8.ToArray(),
        [0xFF, 0xD8], [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47], "RIFF\u0004\u0000\u0000\u0000WEBP"u8.ToArray(), "BM"u8.ToArray(),
        [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9],
    ];

    private static byte[] BitFlips(Random rng, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        for (int i = rng.Next(1, 32); i > 0; i--)
        {
            // Half of the flips land in the first kilobyte, where the headers are.
            int at = rng.Chance(0.5) ? rng.Next(Math.Min(1024, bytes.Length)) : rng.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << rng.Next(8));
        }
        return bytes;
    }

    private static byte[] Overwrite(Random rng, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        int at = rng.Next(bytes.Length), length = Math.Min(bytes.Length - at, rng.Next(1, 4096));
        bytes.AsSpan(at, length).Fill(rng.One<byte>([0x00, 0xFF, 0x7F]));
        return bytes;
    }

    public static byte[] Noise(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }
}

/// <summary>Rewrites the dimensions in an image's real frame header, leaving the rest as it is.</summary>
internal static class ImageHeaders
{
    public static byte[] Inflate(Random rng, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        var span = bytes.AsSpan();
        if (span.Length > 4 && span[0] == 0xFF && span[1] == 0xD8 && Sof(span) is int sof)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[(sof + 5)..], rng.One<ushort>([0, 1, 16385, 30000, 65535, 79]));
            BinaryPrimitives.WriteUInt16BigEndian(span[(sof + 7)..], rng.One<ushort>([0, 1, 16385, 30000, 65535, 79]));
        }
        else if (span.Length > 33 && span[1] == (byte)'P' && span[2] == (byte)'N')
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[16..], rng.One<uint>([0, 1, 16385, 100_000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]));
            BinaryPrimitives.WriteUInt32BigEndian(span[20..], rng.One<uint>([0, 1, 16385, 100_000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]));
            if (rng.Chance(0.8)) // a right CRC gets past a reader that checks it
                BinaryPrimitives.WriteUInt32BigEndian(span[29..], ImageSeeds.Crc32(span[12..29]));
        }
        else if (span.Length > 30 && span[0] == (byte)'R' && span[8] == (byte)'W')
        {
            string chunk = System.Text.Encoding.ASCII.GetString(span[12..16]);
            if (chunk == "VP8 ")
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[26..], (ushort)rng.Next(0, 0x10000));
                BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)rng.Next(0, 0x10000));
            }
            else if (chunk == "VP8L")
                BinaryPrimitives.WriteUInt32LittleEndian(span[21..], (uint)rng.NextInt64(0, 0x1_0000_0000));
            else if (chunk == "VP8X")
            {
                span[24] = span[25] = span[26] = 0xFF;
                span[27] = span[28] = span[29] = (byte)rng.Next(256);
            }
        }
        else if (span.Length > 26 && span[0] == (byte)'B' && span[1] == (byte)'M')
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[18..], rng.One([0, -1, int.MinValue, int.MaxValue, 100_000, -100_000, 16_385]));
            BinaryPrimitives.WriteInt32LittleEndian(span[22..], rng.One([0, -1, int.MinValue, int.MaxValue, 100_000, -100_000, 16_385]));
        }
        return bytes;
    }

    /// <summary>The offset of a JPEG's first frame header (SOF0–SOF15 but DHT, JPG and DAC), walking the segments.</summary>
    public static int? Sof(ReadOnlySpan<byte> jpeg)
    {
        int at = 2;
        while (at + 9 < jpeg.Length && jpeg[at] == 0xFF)
        {
            byte marker = jpeg[at + 1];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return at;
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 2)..]);
        }
        return null;
    }
}
