using OpenCvSharp;
using Sightline.Faces.Tests.Support;
using Sightline.Faces.Analysis;
using PointF = Sightline.Inference.PointF;

namespace Sightline.Faces.Tests.Unit;

public sealed class FaceAlignerTests
{
    private static readonly PointF[] s_face =
    [
        new(110.3f, 140.8f), new(181.9f, 137.2f), new(148.0f, 182.5f), new(118.4f, 220.1f), new(176.6f, 218.7f),
    ];

    /// <summary>Applies [a −b tx; b a ty] to each point, flattened as the template is.</summary>
    private static float[] Apply(PointF[] src, double a, double b, double tx, double ty) =>
        [.. src.SelectMany(p => new[] { (float)(a * p.X - b * p.Y + tx), (float)(b * p.X + a * p.Y + ty) })];

    [Theory]
    [InlineData(0.5, 10.0, 12.0, -30.0)]
    [InlineData(1.7, -35.0, -80.5, 4.25)]
    [InlineData(1.0, 0.0, 0.0, 0.0)]
    [InlineData(0.25, 170.0, 3.0, 300.0)]
    public void EstimateSimilarity_recovers_a_known_transform(double scale, double degrees, double tx, double ty)
    {
        double theta = degrees * Math.PI / 180;
        double a = scale * Math.Cos(theta), b = scale * Math.Sin(theta);
        var dst = Apply(s_face, a, b, tx, ty);

        var est = FaceAligner.EstimateSimilarity(s_face, dst);

        Assert.Equal(a, est.A, 1e-4);
        Assert.Equal(b, est.B, 1e-4);
        // Translation is in pixels and float32 inputs carry ~1e-5 relative error at these magnitudes.
        Assert.Equal(tx, est.Tx, 1e-2);
        Assert.Equal(ty, est.Ty, 1e-2);
    }

    [Fact]
    public void EstimateSimilarity_agrees_with_OpenCV_on_noisy_points()
    {
        var rng = new Random(7);
        var noisy = s_face.Select(p => new PointF(p.X + (float)(rng.NextDouble() - 0.5) * 3, p.Y + (float)(rng.NextDouble() - 0.5) * 3)).ToArray();
        var template = FaceAligner.Template.ToArray();

        var est = FaceAligner.EstimateSimilarity(noisy, template);

        var from = noisy.Select(p => new Point2f(p.X, p.Y)).ToArray();
        var to = Enumerable.Range(0, 5).Select(i => new Point2f(template[2 * i], template[2 * i + 1])).ToArray();
        using var cv = Cv2.EstimateAffinePartial2D(InputArray.Create(from), InputArray.Create(to), null,
            RobustEstimationAlgorithms.LMEDS) ?? throw new InvalidOperationException("no transform");
        Assert.False(cv.Empty(), "OpenCV found no transform");
        Assert.Equal(cv.At<double>(0, 0), est.A, 2e-3);
        Assert.Equal(cv.At<double>(1, 0), est.B, 2e-3);
        Assert.Equal(cv.At<double>(0, 2), est.Tx, 0.5);
        Assert.Equal(cv.At<double>(1, 2), est.Ty, 0.5);
    }

    [Fact]
    public void EstimateSimilarity_of_coincident_points_is_a_translation()
    {
        PointF[] same = [.. Enumerable.Repeat(new PointF(5, 6), 5)];
        var est = FaceAligner.EstimateSimilarity(same, [.. Enumerable.Repeat(1f, 10)]);
        Assert.Equal((1.0, 0.0, -4.0, -5.0), (est.A, est.B, est.Tx, est.Ty));
    }

    [Fact]
    public void Align_matches_a_naive_bilinear_warp()
    {
        using var image = Support.ImageBytes.Generated(320, 300, seed: 3);
        using var smooth = new Mat();
        Cv2.GaussianBlur(image, smooth, new Size(5, 5), 1.5);
        using var aligned = FaceAligner.Align(smooth, s_face);
        Assert.Equal(FaceAligner.Size, aligned.Width);
        Assert.Equal(FaceAligner.Size, aligned.Height);

        var (a, b, tx, ty) = FaceAligner.EstimateSimilarity(s_face, FaceAligner.Template);
        // Inverse of [a −b; b a]: (1/(a²+b²)) [a b; −b a].
        double det = a * a + b * b;
        var src = new Pixels(smooth);
        var dst = new Pixels(aligned);
        double total = 0;
        for (int v = 0; v < FaceAligner.Size; v++)
        {
            for (int u = 0; u < FaceAligner.Size; u++)
            {
                double dx = u - tx, dy = v - ty;
                double x = (a * dx + b * dy) / det, y = (-b * dx + a * dy) / det;
                for (int c = 0; c < 3; c++)
                    total += Math.Abs(Bilinear(src, smooth.Width, smooth.Height, x, y, c) - dst[v, u, c]);
            }
        }
        double mean = total / (FaceAligner.Size * FaceAligner.Size * 3);
        Assert.True(mean < 1.5, $"mean abs difference {mean:F3} gray levels");
    }

    internal static double Bilinear(Pixels img, int w, int h, double x, double y, int c)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0;
        double P(int xx, int yy) => xx < 0 || yy < 0 || xx >= w || yy >= h ? 0 : img[yy, xx, c];
        return (1 - fy) * ((1 - fx) * P(x0, y0) + fx * P(x0 + 1, y0)) + fy * ((1 - fx) * P(x0, y0 + 1) + fx * P(x0 + 1, y0 + 1));
    }
}
