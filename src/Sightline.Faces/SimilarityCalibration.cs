namespace Sightline.Faces;

/// <summary>
/// Monotone piecewise-linear map from embedding cosine to Rekognition's 0–100 Similarity. The knots tie the
/// thresholds people use (80, 90, 95, 99) to false-match rates measured on development pairs; see docs/accuracy.md
/// section "Similarity calibration" for the fit, the counts and the measured error rates.
/// </summary>
public sealed class SimilarityCalibration
{
    private readonly float[] _cos;
    private readonly float[] _sim;

    public SimilarityCalibration(IReadOnlyList<(float Cosine, float Similarity)> knots)
    {
        if (knots.Count < 2)
            throw new ArgumentException("At least two knots are needed.", nameof(knots));
        for (int i = 1; i < knots.Count; i++)
        {
            if (knots[i].Cosine <= knots[i - 1].Cosine || knots[i].Similarity < knots[i - 1].Similarity)
                throw new ArgumentException("Knots must increase in cosine and not decrease in similarity.", nameof(knots));
        }
        _cos = [.. knots.Select(k => k.Cosine)];
        _sim = [.. knots.Select(k => k.Similarity)];
    }

    /// <summary>
    /// Fitted for mobilefacenet-512 on the 1,653 development pairs (58 faces, 14 people; 109 genuine, 1,544
    /// impostor). Impostor cosines are close to normal with mean −0.002 and sd 0.097 (max 0.276); genuine
    /// cosines range 0.363–0.93 (median 0.70). Each knot sits where that normal tail puts the per-comparison
    /// false-match rate: 50 ↔ 1e-2, 70 ↔ 1e-3, 80 ↔ 4e-4, 90 ↔ 1e-5, 95 ↔ 1e-6, 99 ↔ 1e-7. The tail is an
    /// extrapolation beyond the 1,544 impostors measured; docs/accuracy.md gives measured rates with their counts.
    /// </summary>
    public static SimilarityCalibration Default { get; } = new(
    [
        (-1.0f, 0f),
        (0.000f, 10f),
        (0.223f, 50f),
        (0.297f, 70f),
        (0.320f, 80f),
        (0.411f, 90f),
        (0.458f, 95f),
        (0.501f, 99f),
        (1.000f, 100f),
    ])
    {
        Impostors = (-0.002f, 0.097f),
    };

    /// <summary>
    /// The normal fitted to impostor cosines that the knots were placed on (mean, standard deviation); null for a
    /// calibration without one (a site's own model), whose false-match rates are then not estimated.
    /// </summary>
    public (float Mean, float Sd)? Impostors { get; init; }

    /// <summary>
    /// The estimated per-comparison false-match rate at <paramref name="similarity"/>: the chance that one comparison
    /// with a different person scores at least this high, from the fitted impostor normal (an extrapolation beyond the
    /// impostor pairs measured; docs/accuracy.md). Above <see cref="HighestEstimatedSimilarity"/>, the rate there (an upper
    /// bound). Null without <see cref="Impostors"/>.
    /// </summary>
    public double? EstimatedFalseMatchRate(float similarity)
    {
        if (Impostors is not { } n || float.IsNaN(similarity))
            return null;
        similarity = Math.Min(similarity, HighestEstimatedSimilarity);
        double z = (ToCosine(similarity) - n.Mean) / n.Sd;
        return 0.5 * Erfc(z / Math.Sqrt(2));
    }

    /// <summary>
    /// The highest similarity a false-match rate is estimated for (the last knot below the top): above it the curve is
    /// extrapolated so far that the rate is only "at most" the rate there.
    /// </summary>
    public float HighestEstimatedSimilarity => _sim[^2];

    /// <summary>The complementary error function (Chebyshev fit, fractional error below 1.2e-7).</summary>
    private static double Erfc(double x)
    {
        double t = 1.0 / (1.0 + 0.5 * Math.Abs(x));
        double r = t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    public IReadOnlyList<(float Cosine, float Similarity)> Knots => [.. _cos.Zip(_sim)];

    public float ToSimilarity(float cosine)
    {
        if (float.IsNaN(cosine))
            return 0;
        if (cosine <= _cos[0])
            return _sim[0];
        for (int i = 1; i < _cos.Length; i++)
        {
            if (cosine <= _cos[i])
            {
                float t = (cosine - _cos[i - 1]) / (_cos[i] - _cos[i - 1]);
                return _sim[i - 1] + t * (_sim[i] - _sim[i - 1]);
            }
        }
        return _sim[^1];
    }

    /// <summary>The cosine at which the map reaches <paramref name="similarity"/> (inverse, for thresholds).</summary>
    public float ToCosine(float similarity)
    {
        if (similarity <= _sim[0])
            return _cos[0];
        for (int i = 1; i < _sim.Length; i++)
        {
            if (similarity <= _sim[i] && _sim[i] > _sim[i - 1])
            {
                float t = (similarity - _sim[i - 1]) / (_sim[i] - _sim[i - 1]);
                return _cos[i - 1] + t * (_cos[i] - _cos[i - 1]);
            }
        }
        return _cos[^1];
    }
}
