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

    [Fact]
    public void Constructor_rejects_non_monotone_knots()
    {
        Assert.Throws<ArgumentException>(() => new SimilarityCalibration([(-1f, 0f), (0.5f, 60f), (0.4f, 70f)]));
        Assert.Throws<ArgumentException>(() => new SimilarityCalibration([(-1f, 0f), (0.5f, 60f), (1f, 50f)]));
        Assert.Throws<ArgumentException>(() => new SimilarityCalibration([(0f, 0f)]));
    }
}
