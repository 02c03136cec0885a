namespace Sightline.Evaluation;

/// <summary>ROC figures for 1:1 verification from genuine and impostor scores (higher = more alike).</summary>
public static class VerificationMetrics
{
    /// <summary>Fraction of pairs classified right when "same" means score ≥ threshold.</summary>
    public static double AccuracyAt(IReadOnlyList<double> genuine, IReadOnlyList<double> impostor, double threshold)
    {
        int total = genuine.Count + impostor.Count;
        if (total == 0) return double.NaN;
        int right = genuine.Count(s => s >= threshold) + impostor.Count(s => s < threshold);
        return right / (double)total;
    }

    /// <summary>Best accuracy over all thresholds, and the threshold that gives it.</summary>
    public static (double Accuracy, double Threshold) BestAccuracy(IReadOnlyList<double> genuine, IReadOnlyList<double> impostor)
    {
        var candidates = genuine.Concat(impostor).Distinct().Append(double.PositiveInfinity);
        double best = -1, bestT = 0;
        foreach (double t in candidates)
        {
            double a = AccuracyAt(genuine, impostor, t);
            if (a > best) { best = a; bestT = t; }
        }
        return (best, bestT);
    }

    /// <summary>
    /// True accept rate at the lowest threshold whose false accept rate is ≤ <paramref name="far"/>.
    /// With fewer than 1/far impostor pairs the figure is bounded by the data: the threshold must pass all impostors.
    /// </summary>
    public static double TarAtFar(IReadOnlyList<double> genuine, IReadOnlyList<double> impostor, double far)
    {
        if (genuine.Count == 0 || impostor.Count == 0) return double.NaN;
        var sorted = impostor.OrderByDescending(s => s).ToArray();
        int allowed = (int)Math.Floor(far * sorted.Length);
        // Threshold strictly above the (allowed+1)-th highest impostor score.
        double threshold = allowed < sorted.Length ? NextUp(sorted[allowed]) : double.NegativeInfinity;
        return genuine.Count(s => s >= threshold) / (double)genuine.Count;
    }

    /// <summary>Equal error rate: where false accept and false reject rates cross (mean of the two at the closest threshold).</summary>
    public static double Eer(IReadOnlyList<double> genuine, IReadOnlyList<double> impostor)
    {
        if (genuine.Count == 0 || impostor.Count == 0) return double.NaN;
        double best = double.MaxValue, eer = 1;
        foreach (double t in genuine.Concat(impostor).Distinct().Order())
        {
            double frr = genuine.Count(s => s < t) / (double)genuine.Count;
            double far = impostor.Count(s => s >= t) / (double)impostor.Count;
            if (Math.Abs(frr - far) < best) { best = Math.Abs(frr - far); eer = (frr + far) / 2; }
        }
        return eer;
    }

    private static double NextUp(double x) => Math.BitIncrement(x);
}
