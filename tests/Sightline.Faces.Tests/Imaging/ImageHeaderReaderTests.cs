using System.Buffers.Binary;
using OpenCvSharp;
using Sightline.Faces.Tests.Support;
using Sightline.Imaging;

namespace Sightline.Faces.Tests.Imaging;

public sealed class ImageHeaderReaderTests
{
    public static TheoryData<string, int, ImageFormat> Formats => new()
    {
        { ".jpg", 0, ImageFormat.Jpeg },
        { ".png", 0, ImageFormat.Png },
        { ".bmp", 0, ImageFormat.Bmp },
        { ".webp", 80, ImageFormat.WebP },   // lossy: VP8
        { ".webp", 101, ImageFormat.WebP },  // lossless: VP8L
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Reads_dimensions_without_decoding(string ext, int quality, ImageFormat format)
    {
        foreach (var (w, h) in new[] { (321, 187), (90, 1200), (1, 1) })
        {
            using var img = ImageBytes.Generated(w, h);
            var param = quality > 0 ? new[] { new ImageEncodingParam(ImwriteFlags.WebPQuality, quality) } : [];
            Cv2.ImEncode(ext, img, out byte[] bytes, param);
            var header = ImageHeaderReader.Read(bytes);
            Assert.Equal(format, header.Format);
            Assert.Equal((w, h), (header.Width, header.Height));
            Assert.Equal(ExifOrientation.TopLeft, header.Orientation);
        }
    }

    [Theory]
    [InlineData(int.MinValue)] // no magnitude as an int (BadInputTests checks the error kind)
    [InlineData(0)]
    public void A_bmp_height_with_no_real_size_is_refused_as_an_empty_image(int height)
    {
        using var img = ImageBytes.Generated(96, 96);
        var bmp = ImageBytes.Encode(img, ".bmp");
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        var refused = Assert.Throws<SightlineException>(() => new ImageDecoder().Inspect(bmp));
        Assert.Contains("empty image", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_fixture_jpeg_like_the_decoder()
    {
        byte[] bytes = TestModels.FixtureBytes("sample1");
        var header = ImageHeaderReader.Read(bytes);
        using var mat = Cv2.ImDecode(bytes, ImreadModes.Color);
        Assert.Equal((mat.Width, mat.Height), (header.Width, header.Height));
    }

    [Theory]
    [InlineData(3, ExifOrientation.BottomRight, false)]
    [InlineData(6, ExifOrientation.RightTop, true)]
    [InlineData(8, ExifOrientation.LeftBottom, true)]
    [InlineData(9, ExifOrientation.TopLeft, false)] // out of range → as stored
    public void Reads_exif_orientation(ushort value, ExifOrientation expected, bool transposes)
    {
        using var img = ImageBytes.Generated(160, 90);
        var header = ImageHeaderReader.Read(ImageBytes.WithExifOrientation(ImageBytes.Encode(img, ".jpg"), value));
        Assert.Equal(expected, header.Orientation);
        Assert.Equal(transposes, header.Transposes);
        Assert.Equal(transposes ? header.Height : header.Width, header.DisplayWidth);
    }

    [Theory]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0xFFFFFFFEu)]
    [InlineData(0x7FFFFFFFu)]
    public void An_exif_ifd_offset_past_the_block_means_as_stored(uint offset)
    {
        // Found by fuzzing: an offset near uint.MaxValue wrapped the bounds check and indexed out of range.
        using var img = ImageBytes.Generated(160, 90);
        byte[] jpeg = ImageBytes.WithExifOrientation(ImageBytes.Encode(img, ".jpg"), 6);
        int tiff = jpeg.AsSpan().IndexOf("MM\0*"u8);
        BinaryPrimitives.WriteUInt32BigEndian(jpeg.AsSpan(tiff + 4), offset);
        Assert.Equal(ExifOrientation.TopLeft, ImageHeaderReader.Read(jpeg).Orientation);
    }

    [Fact]
    public void A_stuffed_zero_where_a_marker_belongs_is_refused()
    {
        // Found by fuzzing: FF 00 read as a segment with a length led the reader to an EXIF thumbnail's frame while
        // the decoder, which skips the pair, decoded the main image; the size mismatch then crashed the process.
        using var img = ImageBytes.Generated(160, 90);
        byte[] jpeg = ImageBytes.Encode(img, ".jpg");
        byte[] stuffed = [.. jpeg.AsSpan(0, 2), 0xFF, 0x00, 0x00, 0x04, 0x00, 0x00, .. jpeg.AsSpan(2)];
        var ex = Assert.Throws<SightlineException>(() => ImageHeaderReader.Read(stuffed));
        Assert.Equal(ErrorKind.InvalidImageFormat, ex.Kind);
    }

    [Fact]
    public void The_first_exif_orientation_wins_over_a_later_exif_block_without_one()
    {
        // sample1 carries its own Exif APP1 (camera tags, no Orientation). An Exif block with Orientation=6
        // placed right after SOI is the one readers honour; a later block without the tag must not reset it.
        var header = ImageHeaderReader.Read(ImageBytes.WithExifOrientation(TestModels.FixtureBytes("sample1"), 6));
        Assert.Equal(ExifOrientation.RightTop, header.Orientation);
    }
}
