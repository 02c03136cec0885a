namespace Sightline.Faces.Tests.Unit;

public sealed class SimilarityCalibrationTests
{
    private static readonly SimilarityCalibration s_default = SimilarityCalibration.Default;

    [Fact]
    public void Default_is_monotone_non_decreasing_and_bounded()
    {
        float previous = float.NegativeInfinity;
        for (int i = -1000; i <= 1000; i++)
        {
            float s = s_default.ToSimilarity(i / 1000f);
            Assert.True(s >= previous, $"similarity decreases at cosine {i / 1000f}");
            Assert.InRange(s, 0f, 100f);
            previous = s;
        }
        Assert.Equal(0f, s_default.ToSimilarity(-1f));
        Assert.Equal(100f, s_default.ToSimilarity(1f));
        Assert.Equal(0f, s_default.ToSimilarity(float.NaN));
    }

    [Fact]
    public void ToCosine_inverts_ToSimilarity_where_it_increases()
    {
        for (int i = -990; i <= 990; i += 7)
        {
            float cosine = i / 1000f;
            Assert.Equal(cosine, s_default.ToCosine(s_default.ToSimilarity(cosine)), 3);
        }
    }

    [Fact]
    public void Threshold_80_sits_above_impostor_cosines()
    {
        Assert.True(s_default.ToCosine(80) > 0.3f, $"80 maps to cosine {s_default.ToCosine(80)}");
        Assert.True(s_default.ToSimilarity(0.3f) < 80);
    }

    [Theory]
    [InlineData(50f, 1e-2)]
    [InlineData(70f, 1e-3)]
    [InlineData(80f, 4e-4)]
    [InlineData(90f, 1e-5)]
    [InlineData(95f, 1e-6)]
    [InlineData(99f, 1e-7)]
    public void The_estimated_false_match_rate_at_each_knot_is_the_rate_it_was_placed_at(float similarity, double rate)
    {
        double estimated = s_default.EstimatedFalseMatchRate(similarity)!.Value;
        // Within a factor of 1.5: the knots were rounded to three decimals of cosine.
        Assert.InRange(estimated, rate / 1.5, rate * 1.5);
    }

    [Fact]
    public void The_estimated_false_match_rate_falls_as_similarity_rises_and_is_unknown_without_an_impostor_fit()
    {
        double last = 1;
        for (float s = 0; s <= 100; s += 0.5f)
        {
            double rate = s_default.EstimatedFalseMatchRate(s)!.Value;
            Assert.InRange(rate, 1e-8, last);
            last = rate;
        }
        // Past the last estimated knot (99) the rate is held there: an upper bound, not an extrapolation to 1 in 10^24.
        Assert.Equal(s_default.EstimatedFalseMatchRate(99), s_default.EstimatedFalseMatchRate(100));
        Assert.Null(new SimilarityCalibration([(-1f, 0f), (1f, 100f)]).EstimatedFalseMatchRate(90));
    }

    [Fact]
    public void Constructor_rejects_non_monotone_knots()
    {
        Assert.Throws<ArgumentException>(() => new SimilarityCalibration([(-1f, 0f), (0.5f, 60f), (0.4f, 70f)]));
        Assert.Throws<ArgumentException>(() => new SimilarityCalibration([(-1f, 0f), (0.5f, 60f), (1f, 50f)]));
        Assert.Throws<ArgumentException>(() => new SimilarityCalibration([(0f, 0f)]));
    }
}
