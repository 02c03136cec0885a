namespace Sightline.Fuzzing;

/// <summary>Seeded choices. Every case draws from its own <see cref="Random"/> so a case is the same whatever ran before it.</summary>
internal static class Pick
{
    public static T One<T>(this Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    public static bool Chance(this Random rng, double p) => rng.NextDouble() < p;

    /// <summary>A GUID drawn from the case's generator (Guid.NewGuid would make a case differ between runs).</summary>
    public static Guid Guid(this Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        return new Guid(bytes);
    }

    /// <summary>An index drawn by weight.</summary>
    public static int Weighted(this Random rng, ReadOnlySpan<int> weights)
    {
        int total = 0;
        foreach (int w in weights)
            total += w;
        int r = rng.Next(total);
        for (int i = 0; i < weights.Length; i++)
        {
            if ((r -= weights[i]) < 0)
                return i;
        }
        return weights.Length - 1;
    }

    /// <summary>The case's own generator: a function of the campaign's seed and the case's index only.</summary>
    public static Random For(int seed, long index)
    {
        // SplitMix64 of seed and index (HashCode is salted per process, so it would not replay across runs).
        ulong z = (((ulong)(uint)seed << 40) ^ (ulong)index) + 0x9e3779b97f4a7c15UL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7fffffff));
    }
}
