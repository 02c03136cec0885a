using Sightline.Evaluation;

namespace Sightline.Faces.Tests;

/// <summary>COCO AP on a case small enough to compute by hand (as pycocotools does).</summary>
public sealed class CocoEvaluationTests
{
    private static readonly CocoDataset s_truth = new(
        [new CocoImage(1, "a.jpg", 100, 100)],
        [
            new CocoBox(1, 1, 0, 0, 10, 10, false),
            new CocoBox(1, 1, 50, 50, 10, 10, false),
            new CocoBox(1, 1, 80, 0, 20, 20, true),
        ],
        new Dictionary<int, string> { [1] = "person", [3] = "car" });

    [Fact]
    public void Ranked_hits_and_a_false_positive_give_the_101_point_AP_and_crowds_are_ignored()
    {
        CocoDetection[] detections =
        [
            new(1, 1, 85, 5, 10, 10, 0.95), // inside the crowd box: ignored, not a false positive
            new(1, 1, 0, 0, 10, 10, 0.9),
            new(1, 1, 30, 30, 10, 10, 0.8), // false positive
            new(1, 1, 50, 50, 10, 10, 0.7),
        ];
        var m = CocoEvaluation.Evaluate(s_truth, detections, ["person", "car"]);
        // precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 → interpolated 1 for 51 recall points, 2/3 for 50.
        double expected = (51 + 50 * (2.0 / 3)) / 101;
        Assert.Equal(expected, m.PerClass["person"].Ap50, 6);
        Assert.Equal(expected, m.PerClass["person"].Ap, 6);
        Assert.Equal(expected, m.Map, 6); // car has no ground truth and does not count
        Assert.True(double.IsNaN(m.PerClass["car"].Ap));
    }

    [Fact]
    public void A_loose_box_counts_at_low_IoU_thresholds_only()
    {
        // IoU with the first box = 100 / 144 = 0.69: a hit for thresholds 0.50..0.65 (4 of 10), a miss above.
        var m = CocoEvaluation.Evaluate(s_truth, [new CocoDetection(1, 1, 0, 0, 12, 12, 0.9)], ["person"]);
        double hitAp = 51.0 / 101; // recall reaches 1/2 with precision 1
        Assert.Equal(hitAp, m.PerClass["person"].Ap50, 6);
        Assert.Equal(hitAp * 4 / 10, m.PerClass["person"].Ap, 6);
    }
}
