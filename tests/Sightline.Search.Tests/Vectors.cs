namespace Sightline.Search.Tests;

internal static class Vectors
{
    public static float[] Unit(Random rng, int dim)
    {
        var v = new float[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++)
        {
            // Box-Muller: Gaussian components give directions uniform on the sphere.
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            v[i] = (float)g;
            norm += g * g;
        }
        float inv = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < dim; i++)
            v[i] *= inv;
        return v;
    }

    /// <summary>A unit vector at roughly the given cosine from <paramref name="centre"/>.</summary>
    public static float[] Near(Random rng, float[] centre, float cosine)
    {
        var noise = Unit(rng, centre.Length);
        float s = MathF.Sqrt(1 - cosine * cosine);
        var v = centre.Zip(noise, (c, n) => cosine * c + s * n).ToArray();
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    public static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
