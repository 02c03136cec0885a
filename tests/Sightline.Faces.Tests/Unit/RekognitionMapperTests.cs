using Sightline.Inference;
using Sightline.Faces.Analysis;

namespace Sightline.Faces.Tests.Unit;

public sealed class RekognitionMapperTests
{
    private const int W = 400, H = 300;
    private static readonly PointF[] s_points = [.. Enumerable.Range(0, 68).Select(i => new PointF(100 + (i % 17) * 10, 50 + i * 3))];

    [Fact]
    public void Landmarks_have_thirty_distinct_types_with_ratio_coordinates()
    {
        var landmarks = RekognitionMapper.Landmarks(s_points, W, H);
        Assert.Equal(30, landmarks.Count);
        Assert.Equal(30, landmarks.Select(l => l.Type).Distinct().Count());
        foreach (var name in new[] { "eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight", "leftPupil", "chinBottom" })
            Assert.Contains(landmarks, l => l.Type == name);
        Assert.All(landmarks, l =>
        {
            Assert.InRange(l.X, 0f, 1f);
            Assert.InRange(l.Y, 0f, 1f);
        });
        Assert.Equal(RekognitionMapper.LandmarkTypes, landmarks.Select(l => l.Type));
    }

    [Fact]
    public void EyeLeft_is_the_mean_of_points_36_to_41()
    {
        var eye = RekognitionMapper.Landmarks(s_points, W, H).Single(l => l.Type == "eyeLeft");
        var pts = s_points[36..42];
        Assert.Equal(pts.Average(p => p.X) / W, eye.X, 5);
        Assert.Equal(pts.Average(p => p.Y) / H, eye.Y, 5);
        var nose = RekognitionMapper.Landmarks(s_points, W, H).Single(l => l.Type == "nose");
        Assert.Equal(s_points[30].X / W, nose.X, 5);
        var chin = RekognitionMapper.Landmarks(s_points, W, H).Single(l => l.Type == "chinBottom");
        Assert.Equal(s_points[8].Y / H, chin.Y, 5);
    }

    [Fact]
    public void Box_clips_to_the_image_and_converts_to_ratios()
    {
        var box = RekognitionMapper.Box(new RectF(-20, 30, 120, 350), W, H);
        Assert.Equal(0f, box.Left);
        Assert.Equal(30f / H, box.Top, 5);
        Assert.Equal(120f / W, box.Width, 5);
        Assert.Equal(270f / H, box.Height, 5);
        var inside = RekognitionMapper.Box(new RectF(40, 30, 240, 180), W, H);
        Assert.Equal(new Sightline.Rekognition.BoundingBox(0.5f, 0.5f, 0.1f, 0.1f), inside);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(4f)]
    [InlineData(18f)]
    [InlineData(30f)]
    [InlineData(101f)]
    public void AgeRangeOf_gives_low_below_high(float estimate)
    {
        var range = RekognitionMapper.AgeRangeOf(estimate);
        Assert.True(range.Low >= 0 && range.Low < range.High, $"{range}");
    }

    [Fact]
    public void AgeRangeOf_shifts_down_as_documented() => Assert.Equal(new Sightline.Rekognition.AgeRange(25, 37), RekognitionMapper.AgeRangeOf(40));

    [Fact]
    public void ToFaceDetail_without_attributes_omits_them()
    {
        var face = new AnalyzedFace
        {
            Box = new RectF(100, 50, 300, 250),
            Score = 0.93f,
            Landmarks = s_points,
            Pose = new HeadPose(Yaw: 10, Pitch: -5, Roll: 2),
            Brightness = 55,
            Sharpness = 70,
        };
        var detail = RekognitionMapper.ToFaceDetail(face, W, H);
        Assert.Null(detail.AgeRange);
        Assert.Null(detail.Gender);
        Assert.Null(detail.Emotions);
        Assert.Null(detail.Smile);
        Assert.Equal(93f, detail.Confidence, 3);
        Assert.Equal(new Sightline.Rekognition.Pose(Roll: 2, Yaw: 10, Pitch: -5), detail.Pose);
        Assert.Equal(30, detail.Landmarks.Count);
    }
}
