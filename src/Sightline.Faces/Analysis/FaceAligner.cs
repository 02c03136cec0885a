using OpenCvSharp;
using Sightline.Inference;

namespace Sightline.Faces.Analysis;

/// <summary>
/// 5-point similarity alignment to the ArcFace 112×112 template (eyes, nose tip, mouth corners):
/// least-squares rotation+scale+translation (Umeyama), then one warp that only computes the output pixels.
/// </summary>
public static class FaceAligner
{
    public const int Size = 112;

    /// <summary>The standard ArcFace template for 112×112 crops.</summary>
    public static ReadOnlySpan<float> Template =>
    [
        38.2946f, 51.6963f,
        73.5318f, 51.5014f,
        56.0252f, 71.7366f,
        41.5493f, 92.3655f,
        70.7299f, 92.2041f,
    ];

    /// <summary>The five alignment points from 68 iBUG landmarks: eye centres, nose tip, mouth corners (outer and inner lip averaged).</summary>
    public static PointF[] FivePoints(ReadOnlySpan<PointF> p) =>
    [
        Mean(p[37], p[38], p[40], p[41]),
        Mean(p[43], p[44], p[46], p[47]),
        p[30],
        Mean(p[48], p[60]),
        Mean(p[54], p[64]),
    ];

    private static PointF Mean(params ReadOnlySpan<PointF> points)
    {
        float x = 0, y = 0;
        foreach (var q in points) { x += q.X; y += q.Y; }
        return new PointF(x / points.Length, y / points.Length);
    }

    /// <summary>
    /// Least-squares similarity transform mapping <paramref name="src"/> onto <paramref name="dst"/>;
    /// returns the 2×3 matrix [a −b tx; b a ty] as (a, b, tx, ty).
    /// </summary>
    public static (double A, double B, double Tx, double Ty) EstimateSimilarity(ReadOnlySpan<PointF> src, ReadOnlySpan<float> dst)
    {
        int n = src.Length;
        double msx = 0, msy = 0, mdx = 0, mdy = 0;
        for (int i = 0; i < n; i++)
        {
            msx += src[i].X; msy += src[i].Y; mdx += dst[2 * i]; mdy += dst[2 * i + 1];
        }
        msx /= n; msy /= n; mdx /= n; mdy /= n;
        double sxx = 0, sxy = 0, var = 0;
        for (int i = 0; i < n; i++)
        {
            double ux = src[i].X - msx, uy = src[i].Y - msy, vx = dst[2 * i] - mdx, vy = dst[2 * i + 1] - mdy;
            sxx += ux * vx + uy * vy;   // Σ u·v
            sxy += ux * vy - uy * vx;   // Σ u×v
            var += ux * ux + uy * uy;
        }
        if (var < 1e-9)
            return (1, 0, mdx - msx, mdy - msy);
        double a = sxx / var, b = sxy / var;
        double tx = mdx - (a * msx - b * msy);
        double ty = mdy - (b * msx + a * msy);
        return (a, b, tx, ty);
    }

    public static Mat Align(Mat bgr, ReadOnlySpan<PointF> five)
    {
        var (a, b, tx, ty) = EstimateSimilarity(five, Template);
        using var m = new Mat(2, 3, MatType.CV_64FC1);
        m.Set(0, 0, a); m.Set(0, 1, -b); m.Set(0, 2, tx);
        m.Set(1, 0, b); m.Set(1, 1, a); m.Set(1, 2, ty);
        var aligned = new Mat();
        Cv2.WarpAffine(bgr, aligned, m, new Size(Size, Size), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        return aligned;
    }
}
