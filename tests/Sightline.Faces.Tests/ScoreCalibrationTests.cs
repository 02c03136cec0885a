using Sightline.Objects.Detection;

namespace Sightline.Faces.Tests;

public sealed class ScoreCalibrationTests
{
    private static readonly ScoreCalibration s_calibration = new((0f, 0f), (0.25f, 0.1f), (0.5f, 0.9f), (1f, 0.99f));

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.125f, 0.05f)]
    [InlineData(0.375f, 0.5f)]
    [InlineData(1f, 0.99f)]
    [InlineData(2f, 0.99f)]
    public void Interpolates_between_knots_and_clamps(float score, float confidence) =>
        Assert.Equal(confidence, s_calibration.ToConfidence(score), 4);

    [Fact]
    public void Inverse_round_trips_and_is_monotone()
    {
        float previous = -1;
        for (float s = 0; s <= 1; s += 0.01f)
        {
            float c = s_calibration.ToConfidence(s);
            Assert.True(c > previous || s == 0);
            Assert.Equal(s, s_calibration.ToScore(c), 3);
            previous = c;
        }
    }

    [Fact]
    public void Rejects_knots_that_do_not_increase() =>
        Assert.Throws<ArgumentException>(() => new ScoreCalibration((0f, 0f), (0.5f, 0.5f), (0.6f, 0.4f), (1f, 1f)));
}
