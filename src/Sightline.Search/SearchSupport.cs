using System.Numerics.Tensors;

namespace Sightline.Search;

/// <summary>What every index does around its own candidate search: check and quantise the query, re-rank in fp32.</summary>
internal static class SearchSupport
{
    public static int CheckDimension(int dimension) =>
        dimension is >= 8 and <= 8192
            ? dimension
            : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Dimension must be between 8 and 8192.");

    /// <summary>How many int8 candidates are re-ranked in fp32 for the best <paramref name="k"/>.</summary>
    public static int ShortlistSize(int k) => Math.Max(4 * k, 64);

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

    /// <summary>Candidate vectors from the index's own fp32 store (by row), read under the index's lock.</summary>
    public static List<(long Id, float[] Vector)> Stored(IExactVectorStore store, int dimension, IEnumerable<(long Id, int Row, float Score)> candidates)
    {
        var vectors = new List<(long, float[])>();
        foreach (var (id, row, _) in candidates)
        {
            var v = new float[dimension];
            store.Read(row, v);
            vectors.Add((id, v));
        }
        return vectors;
    }

    /// <summary>
    /// Re-ranks a shortlist: with the vectors already read (the index's own store), or else with those the caller's
    /// source reads, after the index's lock was released.
    /// </summary>
    public static async ValueTask<IReadOnlyList<SearchHit>> RerankAsync(float[] query, IExactVectorSource? source, List<(long Id, int Row, float Score)> candidates,
        List<(long Id, float[] Vector)>? stored, int k, float minScore, CancellationToken cancellationToken)
    {
        if (stored is not null)
            return Rerank(query, stored, k, minScore);
        var read = await source!.ReadAsync([.. candidates.Select(c => c.Id)], cancellationToken).ConfigureAwait(false);
        return Rerank(query, read.Select(kv => (kv.Key, kv.Value)), k, minScore);
    }
}
