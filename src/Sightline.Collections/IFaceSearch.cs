using Sightline.Search;

namespace Sightline.Collections;

/// <summary>
/// Where a collection's faces are searched: this process's own indexes (<see cref="LocalFaceSearch"/>), or, on a
/// cluster node, the collection's shards wherever they are active, each searched and the answers merged.
/// </summary>
public interface IFaceSearch
{
    /// <summary>The best <paramref name="k"/> faces (row ids) with cosine ≥ <paramref name="minCosine"/>, best first.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(string collectionId, float[] embedding, int k, float minCosine, CancellationToken cancellationToken);

    /// <summary>The collection was deleted (this process's own index is already dropped).</summary>
    Task DroppedAsync(string collectionId);

    /// <summary>
    /// Faces of the collection this process has just added or deleted (committed; its own index already has them):
    /// indexes held elsewhere apply them before this returns, so a search through any process then sees them.
    /// </summary>
    Task ChangedAsync(string collectionId, IReadOnlyCollection<long> rowIds);
}

/// <summary>One process holds each collection's whole index.</summary>
public sealed class LocalFaceSearch(CollectionIndexes indexes) : IFaceSearch
{
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string collectionId, float[] embedding, int k, float minCosine, CancellationToken cancellationToken)
    {
        var index = await indexes.GetAsync(collectionId, cancellationToken).ConfigureAwait(false);
        return await index.SearchAsync(embedding, k, minCosine, cancellationToken).ConfigureAwait(false);
    }

    public Task DroppedAsync(string collectionId) => Task.CompletedTask;

    public Task ChangedAsync(string collectionId, IReadOnlyCollection<long> rowIds) => Task.CompletedTask;
}
