using OpenCvSharp;
using Sightline.Faces.Tests.Support;
using Sightline.Imaging;

namespace Sightline.Faces.Tests.Integration;

[Collection(EngineCollection.Name)]
public sealed class GeometryRobustnessTests(EngineFixture fx)
{
    [Theory]
    [InlineData("sample1")]
    [InlineData("sample4")]
    public void Horizontally_flipped_image_has_the_same_faces(string fixture)
    {
        using var image = fx.Load(fixture);
        var flipped = new Mat();
        Cv2.Flip(image.Bgr, flipped, FlipMode.Y);
        using var mirror = DecodedImage.FromBgr(flipped);
        Assert.Equal(fx.Analyze(image).Count, fx.Analyze(mirror).Count);
    }

    [Theory]
    [InlineData(false)] // sample1 as fetched: it already has an Exif block (without Orientation) after ours
    [InlineData(true)]  // sample1 re-encoded by OpenCV: ours is the only Exif block
    public void Exif_orientation_6_is_applied(bool reencode)
    {
        byte[] plainBytes = TestModels.FixtureBytes("sample1");
        if (reencode)
        {
            using var original = fx.Decoder.Decode(plainBytes);
            plainBytes = ImageBytes.Encode(original.Bgr, ".jpg");
        }
        byte[] rotatedBytes = ImageBytes.WithExifOrientation(plainBytes, 6);
        using var plain = fx.Decoder.Decode(plainBytes);
        using var rotated = fx.Decoder.Decode(rotatedBytes);

        Assert.Equal(ExifOrientation.RightTop, rotated.Header.Orientation);
        Assert.Equal((plain.Height, plain.Width), (rotated.Width, rotated.Height));
        // Orientation 6: the stored image is turned 90° clockwise for display; its top-left pixel lands top-right.
        Assert.Equal(plain.Bgr.At<Vec3b>(0, 0), rotated.Bgr.At<Vec3b>(0, rotated.Width - 1));
        // Every face of the plain photo is still found, at its rotated position: (x, y) → (H − y, x).
        var found = fx.Analyze(rotated);
        foreach (var face in fx.Analyze(plain))
        {
            float cx = plain.Height - face.Box.CenterY, cy = face.Box.CenterX;
            Assert.True(found.Any(d => Math.Abs(d.Box.CenterX - cx) < face.Box.Width / 3 && Math.Abs(d.Box.CenterY - cy) < face.Box.Height / 3),
                $"no face near ({cx:F0},{cy:F0}) in the rotated image");
        }
    }

    [Fact]
    public void Sideways_stored_photo_tagged_orientation_6_is_analysed_upright()
    {
        using var plain = fx.Load("sample1");
        using var sideways = new Mat();
        Cv2.Rotate(plain.Bgr, sideways, RotateFlags.Rotate90Counterclockwise); // what a camera held sideways stores
        using var upright = fx.Decoder.Decode(ImageBytes.WithExifOrientation(ImageBytes.Encode(sideways, ".jpg"), 6));
        Assert.Equal((plain.Width, plain.Height), (upright.Width, upright.Height));
        var expected = fx.Analyze(plain);
        var found = fx.Analyze(upright);
        Assert.Equal(expected.Count, found.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Box.IoU(found[i].Box) > 0.7f, $"face {i}: {expected[i].Box} vs {found[i].Box}");
    }

    [Fact]
    public void A_40px_face_in_a_1080p_frame_is_found()
    {
        using var source = fx.Load("sample4");
        var face = fx.Analyze(source)[0].Box;
        var context = face.Scale(2f).ClipTo(source.Width, source.Height);
        var roi = new Rect((int)context.X1, (int)context.Y1, (int)context.Width, (int)context.Height);
        double f = 40.0 / face.Width;
        using var crop = new Mat(source.Bgr, roi);
        using var small = new Mat();
        Cv2.Resize(crop, small, new Size((int)Math.Round(roi.Width * f), (int)Math.Round(roi.Height * f)), 0, 0, InterpolationFlags.Area);

        var canvas = new Mat(1080, 1920, MatType.CV_8UC3);
        Cv2.Randn(canvas, new Scalar(120, 120, 120), new Scalar(12, 12, 12));
        var origin = new Point(1370, 690);
        small.CopyTo(new Mat(canvas, new Rect(origin, small.Size())));
        float cx = origin.X + (float)((face.CenterX - roi.X) * f);
        float cy = origin.Y + (float)((face.CenterY - roi.Y) * f);
        using var frame = DecodedImage.FromBgr(canvas);

        var found = fx.Analyze(frame);
        Assert.True(found.Any(d => Math.Abs(d.Box.CenterX - cx) <= 20 && Math.Abs(d.Box.CenterY - cy) <= 20),
            $"no detection near ({cx:F0},{cy:F0}); found: {string.Join("; ", found.Select(d => $"({d.Box.CenterX:F0},{d.Box.CenterY:F0}) {d.Box.Width:F0}px"))}");
    }
}
