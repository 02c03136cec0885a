using OpenCvSharp;
using Sightline.Faces.Tests.Support;
using Sightline.Imaging;

namespace Sightline.Faces.Tests.Integration;

[Collection(EngineCollection.Name)]
public sealed class CompareFacesTests(EngineFixture fx)
{
    private static readonly FaceRequest s_embed = new() { Embeddings = true };

    [Fact]
    public void Same_image_matches_itself_above_99()
    {
        using var a = fx.Load("sample1");
        using var b = fx.Load("sample1");
        var response = fx.Comparer.Compare(a, b, 80, CancellationToken.None);
        Assert.NotNull(response.SourceImageFace);
        var best = Assert.Single(response.FaceMatches);
        Assert.True(best.Similarity > 99, $"similarity {best.Similarity}");
        Assert.Equal(2, response.UnmatchedFaces.Count);
        Assert.Equal(response.SourceImageFace.BoundingBox.Left, best.Face.BoundingBox.Left, 3);
    }

    [Fact]
    public void A_crop_of_the_face_matches_its_photo()
    {
        using var photo = fx.Load("sample1");
        var largest = fx.Analyze(photo)[0].Box.Scale(2.2f).ClipTo(photo.Width, photo.Height);
        using var crop = new Mat(photo.Bgr, new Rect((int)largest.X1, (int)largest.Y1, (int)largest.Width, (int)largest.Height));
        byte[] jpeg = ImageBytes.Encode(crop, ".jpg");
        using var cropped = fx.Decoder.Decode(jpeg);
        Assert.Equal(ImageFormat.Jpeg, cropped.Header.Format);

        var response = fx.Comparer.Compare(cropped, photo, 80, CancellationToken.None);
        Assert.NotEmpty(response.FaceMatches);
        Assert.True(response.FaceMatches[0].Similarity > 90, $"similarity {response.FaceMatches[0].Similarity}");
    }

    [Fact]
    public void Different_people_score_below_80()
    {
        using var one = fx.Load("sample1");
        using var four = fx.Load("sample4");
        var a = fx.Analyze(one, s_embed);
        var b = fx.Analyze(four, s_embed);
        float largest = fx.Comparer.Similarity(a[0].Embedding!, b[0].Embedding!);
        Assert.True(largest < 80, $"largest faces: similarity {largest}");
        // The largest face of each photo against every face of the other. (sample1 face 1 and sample4 face 3
        // look like the same woman, so not every cross pair is asserted.)
        for (int j = 0; j < b.Count; j++)
        {
            float s = fx.Comparer.Similarity(a[0].Embedding!, b[j].Embedding!);
            Assert.True(s < 80, $"sample1 face 0 vs sample4 face {j}: similarity {s}");
        }
        for (int i = 0; i < a.Count; i++)
        {
            float s = fx.Comparer.Similarity(b[0].Embedding!, a[i].Embedding!);
            Assert.True(s < 80, $"sample4 face 0 vs sample1 face {i}: similarity {s}");
        }
        var response = fx.Comparer.Compare(one, four, 80, CancellationToken.None);
        Assert.Empty(response.FaceMatches);
        Assert.Equal(b.Count, response.UnmatchedFaces.Count);
        var reverse = fx.Comparer.Compare(four, one, 80, CancellationToken.None);
        Assert.Empty(reverse.FaceMatches);
    }

    [Fact]
    public void Embeddings_are_unit_length()
    {
        using var image = fx.Load("sample3");
        Assert.All(fx.Analyze(image, s_embed), f =>
            Assert.Equal(1.0, Math.Sqrt(f.Embedding!.Sum(v => (double)v * v)), 3));
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(101f)]
    [InlineData(float.NaN)]
    public void Threshold_out_of_range_is_InvalidParameter(float threshold)
    {
        using var a = fx.Load("sample1");
        var ex = Assert.Throws<SightlineException>(() => fx.Comparer.Compare(a, a, threshold, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
    }

    [Fact]
    public void Source_without_a_face_is_InvalidParameter()
    {
        using var blank = DecodedImage.FromBgr(new Mat(200, 200, MatType.CV_8UC3, Scalar.All(128)));
        using var target = fx.Load("sample1");
        var ex = Assert.Throws<SightlineException>(() => fx.Comparer.Compare(blank, target, 80, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
    }
}
