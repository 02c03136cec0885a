using System.Numerics.Tensors;

namespace Sightline.Search;

/// <summary>What every index does around its own candidate search: check and quantise the query, re-rank in fp32.</summary>
internal static class SearchSupport
{
    public static int CheckDimension(int dimension) =>
        dimension is >= 8 and <= 8192
            ? dimension
            : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Dimension must be between 8 and 8192.");

    public static (sbyte[] Codes, float Scale, float[] Query) Prepare(ReadOnlySpan<float> query, int dimension, int k)
    {
        if (query.Length != dimension)
            throw new ArgumentException($"Expected {dimension} values, got {query.Length}.", nameof(query));
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        var codes = new sbyte[dimension];
        float scale = Int8Quantizer.Quantize(query, codes);
        return (codes, scale, query.ToArray());
    }

    /// <summary>Exact cosines of the candidates, best first, at least <paramref name="minScore"/>, at most <paramref name="k"/>.</summary>
    public static List<SearchHit> Rerank(float[] query, IEnumerable<(long Id, float[] Vector)> candidates, int k, float minScore)
    {
        var hits = new List<SearchHit>();
        foreach (var (id, vector) in candidates)
        {
            float score = TensorPrimitives.Dot(query, vector);
            if (score >= minScore)
                hits.Add(new SearchHit(id, score));
        }
        hits.Sort((a, b) => b.Score.CompareTo(a.Score));
        if (hits.Count > k)
            hits.RemoveRange(k, hits.Count - k);
        return hits;
    }

    /// <summary>Candidate vectors from the caller's source (by id) or the index's own fp32 store (by row).</summary>
    public static IEnumerable<(long Id, float[] Vector)> Vectors(IExactVectorSource? source, IExactVectorStore? store, int dimension, IEnumerable<(long Id, int Row)> candidates)
    {
        if (source is not null)
        {
            foreach (var (id, v) in source.Read([.. candidates.Select(c => c.Id)]))
                yield return (id, v);
            yield break;
        }
        foreach (var (id, row) in candidates)
        {
            var v = new float[dimension];
            store!.Read(row, v);
            yield return (id, v);
        }
    }
}
