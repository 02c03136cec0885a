using System.Buffers.Binary;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Sightline.Faces.Tests.Support;

/// <summary>Builds image bytes for tests: encoded Mats, EXIF-tagged JPEGs, forged headers.</summary>
public static class ImageBytes
{
    public static byte[] Encode(Mat image, string ext)
    {
        Cv2.ImEncode(ext, image, out byte[] buffer);
        Assert.True(buffer.Length > 0, $"OpenCV could not encode {ext}");
        return buffer;
    }

    /// <summary>A smooth, deterministic colour test image (gradients plus noise).</summary>
    public static Mat Generated(int width, int height, int seed = 1)
    {
        var rng = new Random(seed);
        var data = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                data[i] = (byte)((x * 255 / width + rng.Next(20)) % 256);
                data[i + 1] = (byte)((y * 255 / height + rng.Next(20)) % 256);
                data[i + 2] = (byte)(((x + y) * 2 + rng.Next(20)) % 256);
            }
        }
        var mat = new Mat(height, width, MatType.CV_8UC3);
        Marshal.Copy(data, 0, mat.Data, data.Length);
        return mat;
    }

    /// <summary>Inserts an APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation SHORT) right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[8 + 2 + 12 + 4];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), orientation);
        // next-IFD offset (0) is already zero
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A PNG signature and an IHDR claiming the given size, then a fake IEND: no pixel data at all.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height)
    {
        var bytes = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[25];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, 13);
        "IHDR"u8.CopyTo(ihdr.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(8), width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(12), height);
        ihdr[16] = 8; // bit depth
        ihdr[17] = 2; // colour type RGB
        bytes.AddRange(ihdr);
        bytes.AddRange([0, 0, 0, 0, .. "IEND"u8, 0xAE, 0x42, 0x60, 0x82]);
        return [.. bytes];
    }
}
