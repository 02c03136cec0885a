using Sightline.Inference;
using Sightline.Faces.Detection;

namespace Sightline.Faces.Tests.Unit;

public sealed class ScrfdDecodeTests
{
    [Fact]
    public void Heads_are_matched_by_last_dimension_finest_stride_first_in_any_export_order()
    {
        // 640 input: strides 8/16/32 give 12800/3200/800 anchors. Shuffled order, rank-2 tensors as older exports have.
        var dims = new List<int[]>
        {
            new[] { 800, 4 }, new[] { 12800, 1 }, new[] { 3200, 10 }, new[] { 800, 1 }, new[] { 12800, 4 },
            new[] { 3200, 1 }, new[] { 12800, 10 }, new[] { 3200, 4 }, new[] { 800, 10 },
        };
        var heads = ScrfdDetector.MapHeads(dims);
        Assert.NotNull(heads);
        Assert.Equal((1, 4, 6), heads![0]);
        Assert.Equal((5, 7, 2), heads[1]);
        Assert.Equal((3, 0, 8), heads[2]);
    }

    [Fact]
    public void Layouts_that_are_not_scrfd_are_rejected()
    {
        Assert.Null(ScrfdDetector.MapHeads([new[] { 1, 4420, 2 }, new[] { 1, 4420, 4 }]));
    }

    [Fact]
    public void Distances_and_keypoints_are_decoded_from_the_anchor_centre_in_stride_units()
    {
        // 32-px input at stride 8: a 4x4 grid, two anchors per cell. Anchor 11 is cell 5 = (x 1, y 1) → centre (8, 8).
        var scores = new float[32];
        scores[11] = 0.9f;
        var boxes = new float[32 * 4];
        boxes.AsSpan(11 * 4, 4).SetTo([1f, 0.5f, 2f, 1.5f]);
        var kps = new float[32 * 10];
        kps[11 * 10] = 0.25f;
        kps[11 * 10 + 1] = -0.5f;
        var found = new List<(RectF Box, float Score, PointF[]? Kps)>();
        ScrfdDetector.Decode(8, 32, scores, boxes, kps, 0.5f, (b, s, k) => found.Add((b, s, k)));
        var (box, score, points) = Assert.Single(found);
        Assert.Equal(new RectF(0, 4, 24, 20), box);
        Assert.Equal(0.9f, score);
        Assert.Equal(new PointF(10, 4), points![0]);
    }
}

internal static class SpanExtensions
{
    public static void SetTo(this Span<float> span, ReadOnlySpan<float> values) => values.CopyTo(span);
}
