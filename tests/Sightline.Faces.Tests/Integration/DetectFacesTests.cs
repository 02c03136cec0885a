using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Integration;

[Collection(EngineCollection.Name)]
public sealed class DetectFacesTests(EngineFixture fx)
{
    [Theory]
    [InlineData("sample1", 3)]
    [InlineData("sample3", 3)]
    [InlineData("sample4", 4)]
    [InlineData("sample5", 5)]
    [InlineData("sample6", 4)]
    public void Finds_the_known_number_of_faces(string fixture, int expected)
    {
        using var image = fx.Load(fixture);
        var faces = fx.Analyze(image);
        Assert.Equal(expected, faces.Count);
    }

    [Theory]
    [InlineData("sample1")]
    [InlineData("sample2")]
    [InlineData("sample5")]
    public void Faces_are_sorted_largest_first_and_lie_in_the_image(string fixture)
    {
        using var image = fx.Load(fixture);
        var faces = fx.Analyze(image);
        Assert.NotEmpty(faces);
        for (int i = 1; i < faces.Count; i++)
            Assert.True(faces[i - 1].Box.Area >= faces[i].Box.Area, $"face {i} is larger than face {i - 1}");
        foreach (var face in faces)
        {
            Assert.InRange(face.Box.CenterX, 0, image.Width);
            Assert.InRange(face.Box.CenterY, 0, image.Height);
            Assert.InRange(face.Score, 0f, 1f);
            var box = RekognitionMapper.ToFaceDetail(face, image.Width, image.Height).BoundingBox;
            Assert.True(box.Left >= 0 && box.Top >= 0 && box.Width > 0 && box.Height > 0, $"{box}");
            Assert.True(box.Left + box.Width <= 1.0001f && box.Top + box.Height <= 1.0001f, $"{box}");
        }
    }

    [Theory]
    [InlineData("sample1")]
    [InlineData("sample4")]
    public void Landmarks_lie_on_the_face(string fixture)
    {
        using var image = fx.Load(fixture);
        foreach (var face in fx.Analyze(image))
        {
            var detail = RekognitionMapper.ToFaceDetail(face, image.Width, image.Height);
            var b = detail.BoundingBox;
            Assert.Equal(30, detail.Landmarks.Select(l => l.Type).Distinct().Count());
            foreach (var type in new[] { "eyeLeft", "eyeRight", "nose" })
            {
                var l = detail.Landmarks.Single(x => x.Type == type);
                Assert.True(l.X > b.Left && l.X < b.Left + b.Width && l.Y > b.Top && l.Y < b.Top + b.Height,
                    $"{type} ({l.X:F3},{l.Y:F3}) outside box {b}");
            }
            // Every landmark (jaw included) within the box grown by a quarter on each side.
            float mx = b.Width * 0.25f, my = b.Height * 0.25f;
            Assert.All(detail.Landmarks, l =>
                Assert.True(l.X >= b.Left - mx && l.X <= b.Left + b.Width + mx && l.Y >= b.Top - my && l.Y <= b.Top + b.Height + my,
                    $"{l.Type} far outside box {b}"));
            var eyeLeft = detail.Landmarks.Single(x => x.Type == "eyeLeft");
            var chin = detail.Landmarks.Single(x => x.Type == "chinBottom");
            Assert.True(chin.Y > eyeLeft.Y, "chin below the eyes on an upright photo");
        }
    }

    [Fact]
    public void All_attributes_are_reported_for_every_face()
    {
        using var image = fx.Load("sample1");
        var faces = fx.Analyze(image, new FaceRequest { AllAttributes = true });
        Assert.Equal(3, faces.Count);
        foreach (var face in faces)
        {
            var d = RekognitionMapper.ToFaceDetail(face, image.Width, image.Height);
            Assert.NotNull(d.AgeRange);
            Assert.True(d.AgeRange.Low < d.AgeRange.High);
            Assert.NotNull(d.Gender);
            Assert.Contains(d.Gender.Value, new[] { "Male", "Female" });
            Assert.InRange(d.Gender.Confidence, 50f, 100f);
            Assert.NotNull(d.EyesOpen);
            Assert.NotNull(d.MouthOpen);
            Assert.NotNull(d.Smile);
            Assert.NotNull(d.Emotions);
            Assert.Equal(7, d.Emotions.Count);
            Assert.Equal(7, d.Emotions.Select(e => e.Type).Distinct().Count());
            Assert.Equal(100f, d.Emotions.Sum(e => e.Confidence), 0);
            Assert.InRange(d.Quality.Brightness, 0f, 100f);
            Assert.InRange(d.Quality.Sharpness, 0f, 100f);
        }
    }

    [Fact]
    public void Default_request_has_no_attributes_or_embeddings()
    {
        using var image = fx.Load("sample3");
        Assert.All(fx.Analyze(image), f =>
        {
            Assert.Null(f.Attributes);
            Assert.Null(f.Embedding);
        });
    }

    [Fact]
    public void MaxFaces_limits_to_the_largest()
    {
        using var image = fx.Load("sample5");
        var all = fx.Analyze(image);
        var two = fx.Analyze(image, new FaceRequest { MaxFaces = 2 });
        Assert.Equal(2, two.Count);
        Assert.Equal(all[0].Box, two[0].Box);
        Assert.Throws<SightlineException>(() => fx.Analyze(image, new FaceRequest { MaxFaces = 0 }));
    }
}
