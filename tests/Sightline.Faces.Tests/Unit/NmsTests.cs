using Sightline.Inference;

namespace Sightline.Faces.Tests.Unit;

public sealed class NmsTests
{
    private static DetectedFace Face(float x1, float y1, float x2, float y2, float score) => new(new RectF(x1, y1, x2, y2), score);

    [Fact]
    public void Overlapping_boxes_keep_only_the_highest_score()
    {
        var low = Face(0, 0, 100, 100, 0.7f);
        var high = Face(5, 5, 105, 105, 0.9f);
        var kept = Nms.Suppress([low, high], 0.4f);
        Assert.Equal([high], kept);
    }

    [Fact]
    public void Disjoint_boxes_are_all_kept_highest_first()
    {
        var a = Face(0, 0, 50, 50, 0.8f);
        var b = Face(100, 0, 150, 50, 0.95f);
        var c = Face(0, 100, 50, 150, 0.75f);
        var kept = Nms.Suppress([a, b, c], 0.4f);
        Assert.Equal([b, a, c], kept);
    }

    [Fact]
    public void Box_contained_in_a_higher_scoring_box_is_suppressed()
    {
        var outer = Face(0, 0, 100, 100, 0.9f);
        var inner = Face(20, 20, 50, 50, 0.8f); // IoU 0.09, but wholly inside
        Assert.Equal([outer], Nms.Suppress([inner, outer], 0.4f));
    }

    [Fact]
    public void Overlap_below_threshold_is_kept()
    {
        var a = Face(0, 0, 100, 100, 0.9f);
        var b = Face(80, 0, 180, 100, 0.8f); // IoU = 2000 / 18000 ≈ 0.11
        Assert.Equal(2, Nms.Suppress([a, b], 0.4f).Count);
    }

    [Fact]
    public void Empty_input_gives_empty_output() => Assert.Empty(Nms.Suppress([], 0.4f));
}
