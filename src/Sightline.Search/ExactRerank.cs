namespace Sightline.Search;

/// <summary>
/// The fp32 re-rank of a merged shortlist: a sharded collection's coordinator merges its shards' int8 shortlists
/// (<see cref="IVectorIndex.Shortlist"/>), keeps the best <see cref="SearchSupport.ShortlistSize"/> and reads their fp32
/// vectors once, so a search costs one read of the source however many shards answered.
/// </summary>
public static class ExactRerank
{
    /// <summary>How many merged candidates to re-rank for the best <paramref name="k"/> (as one index does).</summary>
    public static int ShortlistSize(int k) => SearchSupport.ShortlistSize(k);

    /// <summary>The exact cosines of the best <see cref="ShortlistSize"/> of <paramref name="candidates"/> (by int8 score), best first, ≥ <paramref name="minScore"/>, at most <paramref name="k"/>.</summary>
    public static async ValueTask<IReadOnlyList<SearchHit>> RunAsync(ReadOnlyMemory<float> query, IExactVectorSource source, IEnumerable<SearchHit> candidates, int k,
        float minScore, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        long[] ids = [.. candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Id).Select(c => c.Id).Distinct().Take(ShortlistSize(k))];
        if (ids.Length == 0)
            return [];
        var read = await source.ReadAsync(ids, cancellationToken).ConfigureAwait(false);
        return SearchSupport.Rerank(query.ToArray(), read.Select(kv => (kv.Key, kv.Value)), k, minScore);
    }
}
