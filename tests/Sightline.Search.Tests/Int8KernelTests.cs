using System.Runtime.Intrinsics.X86;

namespace Sightline.Search.Tests;

/// <summary>Every rung of the SIMD ladder equals the scalar reference, tails included.</summary>
public sealed class Int8KernelTests
{
    private static sbyte[] Random(Random rng, int n)
    {
        var v = new sbyte[n];
        for (int i = 0; i < n; i++)
            v[i] = (sbyte)rng.Next(-127, 128);
        return v;
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(100)]
    [InlineData(512)]
    [InlineData(1027)]
    public void Optimised_dot_equals_scalar(int n)
    {
        var rng = new Random(n);
        for (int trial = 0; trial < 50; trial++)
        {
            var a = Random(rng, n);
            var b = Random(rng, n);
            int expected = Int8Kernels.DotScalar(a, b);
            Assert.Equal(expected, Int8Kernels.Dot(a, b));
            if (Avx2.IsSupported)
                Assert.Equal(expected, Int8Kernels.Dot256(a, b));
            if (Avx512BW.IsSupported && n >= 32)
                Assert.Equal(expected, Int8Kernels.Dot512(a, b));
        }
    }

    [Fact]
    public void Extremes_do_not_overflow()
    {
        var a = Enumerable.Repeat((sbyte)-127, 4096).ToArray();
        var b = Enumerable.Repeat((sbyte)-127, 4096).ToArray();
        Assert.Equal(127 * 127 * 4096, Int8Kernels.Dot(a, b));
    }

    [Theory]
    [InlineData(512, 1000)]
    [InlineData(128, 77)]
    [InlineData(96, 5)]
    public void Dot_many_equals_one_by_one(int dim, int rows)
    {
        var rng = new Random(dim + rows);
        var query = Random(rng, dim);
        var data = Random(rng, dim * rows);
        var scores = new int[rows];
        Int8Kernels.DotMany(query, data, dim, scores);
        for (int r = 0; r < rows; r++)
            Assert.Equal(Int8Kernels.DotScalar(query, data.AsSpan(r * dim, dim)), scores[r]);
    }

    [Fact]
    public void Quantised_inner_product_is_close_to_the_cosine()
    {
        var rng = new Random(3);
        var a = Vectors.Unit(rng, 512);
        var b = Vectors.Unit(rng, 512);
        var qa = new sbyte[512];
        var qb = new sbyte[512];
        float sa = Int8Quantizer.Quantize(a, qa), sb = Int8Quantizer.Quantize(b, qb);
        float approx = Int8Kernels.Dot(qa, qb) * sa * sb;
        float exact = a.Zip(b).Sum(p => p.First * p.Second);
        Assert.InRange(approx - exact, -0.01f, 0.01f);
    }
}
