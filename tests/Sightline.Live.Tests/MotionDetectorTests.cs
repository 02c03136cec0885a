using OpenCvSharp;
using Sightline.Storage;

namespace Sightline.Live.Tests;

public sealed class MotionDetectorTests
{
    private const int W = 640, H = 360;

    /// <summary>A grainy grey yard (fresh grain each frame, as a real sensor) with a dark block at <paramref name="x"/> when given.</summary>
    private static Mat Scene(int seed, int? x, double brightness = 110)
    {
        var frame = new Mat(H, W, MatType.CV_8UC3, Scalar.All(brightness));
        // Signed grain: a zero-mean normal field added with saturation.
        using var signed = new Mat(H, W, MatType.CV_16SC3);
        new RNG((ulong)seed + 1).Fill(signed, DistributionType.Normal, Scalar.All(0), Scalar.All(12));
        using var base16 = new Mat();
        frame.ConvertTo(base16, MatType.CV_16SC3);
        Cv2.Add(base16, signed, base16);
        base16.ConvertTo(frame, MatType.CV_8UC3);
        if (x is { } left)
            Cv2.Rectangle(frame, new Rect(left, 120, 60, 160), Scalar.All(20), -1);
        return frame;
    }

    [Fact]
    public void A_still_scene_has_no_motion_whatever_its_grain()
    {
        using var motion = new MotionDetector(W, H, []);
        for (int i = 0; i < 30; i++)
        {
            using var frame = Scene(i, null);
            Assert.Empty(motion.Detect(frame));
        }
    }

    [Fact]
    public void A_moving_object_is_found_where_it_is()
    {
        using var motion = new MotionDetector(W, H, []);
        for (int i = 0; i < 5; i++)
        {
            using var still = Scene(i, null);
            motion.Detect(still);
        }
        for (int step = 0; step < 5; step++)
        {
            int x = 100 + step * 40;
            using var frame = Scene(100 + step, x);
            var boxes = motion.Detect(frame);
            var box = Assert.Single(boxes);
            float cx = (box.Left + box.Width / 2) * W, cy = (box.Top + box.Height / 2) * H;
            Assert.InRange(cx, x - 40, x + 100);
            Assert.InRange(cy, 150, 250);
        }
    }

    [Fact]
    public void Motion_inside_a_mask_is_ignored_and_outside_it_is_not()
    {
        IReadOnlyList<RelativePoint> leftHalf = [new(0, 0), new(0.5f, 0), new(0.5f, 1), new(0, 1)];
        using var motion = new MotionDetector(W, H, [leftHalf]);
        using (var still = Scene(1, null))
            motion.Detect(still);
        using (var inMask = Scene(2, 100))
            Assert.Empty(motion.Detect(inMask));
        using (var outside = Scene(3, 450))
            Assert.NotEmpty(motion.Detect(outside));
    }

    [Fact]
    public void A_sudden_change_of_the_whole_frame_is_lighting_not_motion()
    {
        using var motion = new MotionDetector(W, H, []);
        using (var dark = Scene(1, null, 60))
            motion.Detect(dark);
        using (var lit = Scene(2, null, 200))
        {
            Assert.Empty(motion.Detect(lit));
            Assert.True(motion.LastWasLightning);
        }
        using (var stillLit = Scene(3, null, 200))
        {
            Assert.Empty(motion.Detect(stillLit));
            Assert.False(motion.LastWasLightning);
        }
    }
}
