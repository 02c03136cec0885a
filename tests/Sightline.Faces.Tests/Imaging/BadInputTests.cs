using System.Buffers.Binary;
using OpenCvSharp;
using Sightline.Faces.Tests.Support;
using Sightline.Imaging;

namespace Sightline.Faces.Tests.Imaging;

public sealed class BadInputTests
{
    private readonly ImageDecoder _decoder = new();

    private ErrorKind KindOf(byte[] bytes)
    {
        var ex = Assert.Throws<SightlineException>(() => _decoder.Decode(bytes).Dispose());
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        return ex.Kind;
    }

    [Fact]
    public void Empty_bytes_are_InvalidImageFormat() => Assert.Equal(ErrorKind.InvalidImageFormat, KindOf([]));

    [Fact]
    public void Text_is_InvalidImageFormat() =>
        Assert.Equal(ErrorKind.InvalidImageFormat, KindOf("name,identity\nalice.jpg,alice\n"u8.ToArray()));

    [Fact]
    public void Truncated_jpeg_is_InvalidImageFormat()
    {
        byte[] jpeg = TestModels.FixtureBytes("sample1");
        Assert.Equal(ErrorKind.InvalidImageFormat, KindOf(jpeg[..(jpeg.Length / 2)]));
    }

    [Fact]
    public void Truncated_png_is_InvalidImageFormat()
    {
        using var img = ImageBytes.Generated(120, 100);
        byte[] png = ImageBytes.Encode(img, ".png");
        Assert.Equal(ErrorKind.InvalidImageFormat, KindOf(png[..(png.Length / 2)]));
    }

    [Fact]
    public void One_pixel_png_is_InvalidParameter()
    {
        using var img = new Mat(1, 1, MatType.CV_8UC3, Scalar.All(90));
        Assert.Equal(ErrorKind.InvalidParameter, KindOf(ImageBytes.Encode(img, ".png")));
    }

    [Fact]
    public void Png_header_claiming_20000x20000_is_ImageTooLarge() =>
        Assert.Equal(ErrorKind.ImageTooLarge, KindOf(ImageBytes.PngHeaderOnly(20000, 20000)));

    [Fact]
    public void Png_header_claiming_zero_width_is_InvalidImageFormat() =>
        Assert.Equal(ErrorKind.InvalidImageFormat, KindOf(ImageBytes.PngHeaderOnly(0, 100)));

    [Fact]
    public void Png_chunk_claiming_more_bytes_than_sent_is_InvalidImageFormat_before_decoding()
    {
        // Found by fuzzing: the chunk after IHDR claiming ~4 GB made the decoder allocate and scan for seconds.
        using var img = ImageBytes.Generated(120, 100);
        byte[] png = ImageBytes.Encode(img, ".png");
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(33), 0xFA00002F);
        var ex = Assert.Throws<SightlineException>(() => _decoder.Decode(png).Dispose());
        Assert.Equal(ErrorKind.InvalidImageFormat, ex.Kind);
        Assert.Contains("a chunk runs past the end", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bmp_height_of_int_min_is_InvalidImageFormat()
    {
        // Found by fuzzing: the top-down sign flip of int.MinValue overflowed.
        using var img = ImageBytes.Generated(120, 100);
        byte[] bmp = ImageBytes.Encode(img, ".bmp");
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), int.MinValue);
        Assert.Equal(ErrorKind.InvalidImageFormat, KindOf(bmp));
    }

    [Fact]
    public void Inline_bytes_over_5MB_are_ImageTooLarge()
    {
        byte[] big = new byte[ImageLimits.RekognitionInlineBytes + 1];
        TestModels.FixtureBytes("sample1").CopyTo(big, 0);
        Assert.Equal(ErrorKind.ImageTooLarge, KindOf(big));
        // The same bytes are within the 15 MB file limit (a JPEG followed by padding decodes).
        using var image = _decoder.Decode(big, ImageSource.File);
        Assert.True(image.Width > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Jpeg_with_corrupt_middle_decodes_or_is_InvalidImageFormat(int seed)
    {
        byte[] jpeg = TestModels.FixtureBytes("sample1");
        var rng = new Random(seed);
        int start = jpeg.Length / 3;
        for (int i = 0; i < 64 * seed; i++)
            jpeg[start + rng.Next(jpeg.Length / 3)] = (byte)rng.Next(256);
        try
        {
            using var image = _decoder.Decode(jpeg);
            Assert.True(image.Width > 0 && image.Height > 0);
        }
        catch (SightlineException ex)
        {
            Assert.Equal(ErrorKind.InvalidImageFormat, ex.Kind);
        }
    }

    [Fact]
    public void Missing_file_is_InvalidParameter_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sightline-missing-{Guid.NewGuid():N}.jpg");
        var ex = Assert.Throws<SightlineException>(() => _decoder.DecodeFile(path));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".png", ImageFormat.Png)]
    [InlineData(".bmp", ImageFormat.Bmp)]
    [InlineData(".webp", ImageFormat.WebP)]
    [InlineData(".jpg", ImageFormat.Jpeg)]
    public void Valid_images_decode_to_their_size(string ext, ImageFormat format)
    {
        using var img = ImageBytes.Generated(213, 97);
        using var decoded = _decoder.Decode(ImageBytes.Encode(img, ext));
        Assert.Equal(format, decoded.Header.Format);
        Assert.Equal((213, 97), (decoded.Width, decoded.Height));
        Assert.Equal(MatType.CV_8UC3, decoded.Bgr.Type());
    }
}
