using Sightline.Evaluation;
using Sightline.Inference;

namespace Sightline.Faces.Tests.Unit;

public sealed class VerificationMetricsTests
{
    private static readonly double[] s_genuine = [0.9, 0.8, 0.4];
    private static readonly double[] s_impostor = [0.1, 0.5, 0.3, 0.2];

    [Fact]
    public void AccuracyAt_counts_genuine_at_or_above_and_impostors_below()
    {
        Assert.Equal(5 / 7.0, VerificationMetrics.AccuracyAt(s_genuine, s_impostor, 0.45), 9);
        Assert.Equal(6 / 7.0, VerificationMetrics.AccuracyAt(s_genuine, s_impostor, 0.4), 9); // 0.4 ≥ 0.4 counts
        Assert.True(double.IsNaN(VerificationMetrics.AccuracyAt([], [], 0.5)));
    }

    [Fact]
    public void BestAccuracy_finds_the_first_best_threshold()
    {
        var (accuracy, threshold) = VerificationMetrics.BestAccuracy(s_genuine, s_impostor);
        Assert.Equal(6 / 7.0, accuracy, 9);
        Assert.Equal(0.8, threshold);
        Assert.Equal(1.0, VerificationMetrics.BestAccuracy([0.9, 0.8], [0.1, 0.2]).Accuracy);
    }

    [Fact]
    public void TarAtFar_uses_a_threshold_just_above_the_allowed_impostor()
    {
        Assert.Equal(1.0, VerificationMetrics.TarAtFar(s_genuine, s_impostor, 0.25)); // passes 0.5 only: threshold above 0.3
        Assert.Equal(2 / 3.0, VerificationMetrics.TarAtFar(s_genuine, s_impostor, 0.1), 9); // threshold above 0.5
        Assert.Equal(2 / 3.0, VerificationMetrics.TarAtFar(s_genuine, s_impostor, 1e-3), 9);
        Assert.True(double.IsNaN(VerificationMetrics.TarAtFar(s_genuine, [], 0.01)));
    }

    [Fact]
    public void Eer_is_where_false_accept_and_false_reject_cross()
    {
        // At t=0.5: FRR 1/3 (0.4), FAR 1/4 (0.5) → closest pair, EER (1/3 + 1/4) / 2.
        Assert.Equal(7 / 24.0, VerificationMetrics.Eer(s_genuine, s_impostor), 9);
        Assert.Equal(0.0, VerificationMetrics.Eer([0.9, 0.8], [0.1, 0.2]));
        Assert.True(double.IsNaN(VerificationMetrics.Eer([], s_impostor)));
    }

    [Fact]
    public void DetectMatch_is_greedy_and_one_to_one()
    {
        var truth = new List<RectF> { new(0, 0, 10, 10), new(100, 100, 110, 110) };
        var predicted = new List<RectF>
        {
            new(0, 0, 10, 8),        // IoU 0.8 with truth 0
            new(0, 0, 10, 6),        // IoU 0.6 with truth 0: already taken
            new(100, 100, 110, 102), // IoU 0.2 with truth 1: below 0.3
            new(50, 50, 60, 60),     // matches nothing
        };
        Assert.Equal(1, DetectEvaluation.Match(predicted, truth, 0.3));
        Assert.Equal(2, DetectEvaluation.Match(predicted, truth, 0.15));
        Assert.Equal(0, DetectEvaluation.Match([], truth, 0.3));
    }

    [Fact]
    public void DetectMatch_prefers_the_higher_IoU_pairing()
    {
        // p0 overlaps t0 (0.5) and t1 (0.6); p1 overlaps only t1 (0.9). Greedy takes p1–t1, then p0–t0.
        var truth = new List<RectF> { new(0, 0, 10, 10), new(4, 0, 14, 10) };
        var predicted = new List<RectF> { new(2.5f, 0, 12.5f, 10), new(4.5f, 0, 14.5f, 10) };
        Assert.Equal(2, DetectEvaluation.Match(predicted, truth, 0.3));
    }
}
