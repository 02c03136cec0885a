using System.Numerics.Tensors;

namespace Sightline.Search;

/// <summary>
/// Random unit vectors clustered like face embeddings, for benchmarks: identity centres lie in a random
/// 100-dimensional subspace (so two identities' cosines spread with sd ≈ 0.1, as real impostor pairs do), and
/// each face is its centre blended with full-dimensional noise at a cosine drawn from 0.5–0.85 (genuine pairs).
/// </summary>
public sealed class SyntheticEmbeddings
{
    private const int Subspace = 100;
    private readonly int _dim;
    private readonly float[][] _basis;
    private readonly int _seed;

    public SyntheticEmbeddings(int dimension, int seed = 1)
    {
        _dim = dimension;
        _seed = seed;
        var rng = new Random(seed);
        _basis = [.. Enumerable.Range(0, Subspace).Select(_ => Gaussian(rng, dimension))];
    }

    public int Dimension => _dim;

    public float[] Identity(int identity)
    {
        var rng = new Random(Seed(identity, 0, 1));
        var centre = new float[_dim];
        for (int j = 0; j < Subspace; j++)
            TensorPrimitives.MultiplyAdd(_basis[j], Gaussian1(rng), centre, centre);
        Normalize(centre);
        return centre;
    }

    /// <summary>The <paramref name="view"/>-th face of an identity (deterministic).</summary>
    public float[] Face(float[] centre, int identity, int view)
    {
        var rng = new Random(Seed(identity, view, 2));
        float cosine = 0.5f + 0.35f * (float)rng.NextDouble();
        var noise = Gaussian(rng, _dim);
        // Orthogonal to the centre, so the face's cosine to its centre is exactly the drawn one.
        TensorPrimitives.MultiplyAdd(centre, -TensorPrimitives.Dot(noise, centre), noise, noise);
        Normalize(noise);
        float s = MathF.Sqrt(1 - cosine * cosine);
        var face = new float[_dim];
        TensorPrimitives.Multiply(centre, cosine, face);
        TensorPrimitives.MultiplyAdd(noise, s, face, face);
        Normalize(face);
        return face;
    }

    // Deterministic across processes (HashCode is randomised per process).
    private int Seed(int identity, int view, int salt) =>
        unchecked((int)(((((long)_seed * 1_000_003 + identity) * 8_191 + view) * 131 + salt) % int.MaxValue));

    private static void Normalize(float[] v) => TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);

    private static float Gaussian1(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    private static float[] Gaussian(Random rng, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
            v[i] = Gaussian1(rng);
        return v;
    }
}
