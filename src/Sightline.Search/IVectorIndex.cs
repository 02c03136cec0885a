namespace Sightline.Search;

/// <summary>One search result: the caller's id and the exact cosine similarity of unit vectors.</summary>
public readonly record struct SearchHit(long Id, float Score);

/// <summary>A nearest-neighbour index over L2-normalised vectors (inner product = cosine).</summary>
public interface IVectorIndex
{
    int Dimension { get; }

    /// <summary>Live (not deleted) vectors.</summary>
    int Count { get; }

    void Add(long id, ReadOnlySpan<float> vector);

    /// <summary>Whether <paramref name="id"/> is live in the index.</summary>
    bool Contains(long id);

    /// <summary>Deletes are real: a removed id is never returned again.</summary>
    bool Remove(long id);

    /// <summary>
    /// The best <paramref name="k"/> hits with score ≥ <paramref name="minScore"/>, best first. The int8 shortlist is
    /// found under the index's lock; fp32 vectors for re-ranking are read from the caller's source after it is released.
    /// </summary>
    ValueTask<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, float minScore, CancellationToken cancellationToken);

    /// <summary>
    /// The int8 shortlist alone: up to <paramref name="n"/> candidates with their int8 (approximate) cosines, best
    /// first, not re-ranked; for a caller that merges the shortlists of several indexes (a sharded collection) and
    /// re-ranks the merged one once with <see cref="ExactRerank"/>.
    /// </summary>
    IReadOnlyList<SearchHit> Shortlist(ReadOnlySpan<float> query, int n, CancellationToken cancellationToken);
}

/// <summary>An index that can write itself to a snapshot file and list its live ids for reconciliation.</summary>
public interface IPersistentVectorIndex : IVectorIndex
{
    /// <summary>Writes the index to <paramref name="path"/> atomically.</summary>
    void Save(string path);

    /// <summary>The ids of the live vectors.</summary>
    IReadOnlyCollection<long> Ids();
}
