using Sightline.Search;
using Sightline.Storage;

namespace Sightline.Collections;

/// <summary>The fp32 embeddings a re-rank reads: the database's, one batched query per search.</summary>
public sealed class StoredEmbeddings(ICollectionStore store) : IExactVectorSource
{
    public async ValueTask<IReadOnlyDictionary<long, float[]>> ReadAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        await store.GetEmbeddingsAsync(ids, cancellationToken).ConfigureAwait(false);
}
