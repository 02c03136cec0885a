using Sightline.Collections;
using Sightline.Search;
using Sightline.Storage;

namespace Sightline.Cluster;

/// <summary>
/// A cluster node searches a collection by asking each of its shard grains, wherever Orleans has them active, for its
/// int8 shortlist, merging them and re-ranking the merged shortlist once in fp32 (one read of the database per search,
/// as a server alone makes, rather than one per shard). A shard that cannot answer (its node has just died and is not yet declared dead) is
/// asked again for a few seconds, while Orleans activates it on a survivor; after that the search is refused with
/// Throttling and a Retry-After, which the AWS SDKs retry, rather than answered from part of the collection. So is a
/// search while a shard is still loading (after its node died, or the first search of a large collection).
/// </summary>
internal sealed class ShardedFaceSearch(IGrainFactory grains, ClusterSettings settings, Storage.ICollectionStore store) : IFaceSearch
{
    private static readonly TimeSpan s_retryFor = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_catchUpFor = TimeSpan.FromSeconds(5);
    private readonly StoredEmbeddings _embeddings = new(store);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string collectionId, float[] embedding, int k, float minCosine, CancellationToken cancellationToken)
    {
        int n = ExactRerank.ShortlistSize(k);
        var answers = await Task.WhenAll(Enumerable.Range(0, settings.Shards).Select(i => AskAsync(collectionId, i, embedding, n, cancellationToken))).ConfigureAwait(false);
        if (answers.Select((a, i) => (a, i)).FirstOrDefault(x => x.a.Loading) is { a: not null } loading)
            throw new SightlineException(ErrorKind.Throttling, $"Shard {loading.i} of collection {collectionId} is loading on node {loading.a.Node}; try again.") { RetryAfter = TimeSpan.FromSeconds(5) };
        var merged = new List<SearchHit>(answers.Sum(a => a.Ids.Length));
        foreach (var answer in answers)
        {
            for (int i = 0; i < answer.Ids.Length; i++)
                merged.Add(new SearchHit(answer.Ids[i], answer.Scores[i]));
        }
        return await ExactRerank.RunAsync(embedding, _embeddings, merged, k, minCosine, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Best effort: the collection is already gone from the database, so a shard that misses this (its node is dying)
    /// is rebuilt empty wherever it is activated next.
    /// </summary>
    public async Task DroppedAsync(string collectionId)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, settings.Shards).Select(i => Shard(collectionId, i).DropAsync())).WaitAsync(s_askTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // see above
        }
    }

    /// <summary>
    /// Best effort, within <see cref="s_catchUpFor"/>: a shard that misses this (its node is dying, or it is loading)
    /// reads the change from the database when it loads, or at its next poll of the change log.
    /// </summary>
    public async Task ChangedAsync(string collectionId, IReadOnlyCollection<long> rowIds)
    {
        var held = rowIds.Select(row => FaceShard.IndexOf(row, settings.Shards)).Distinct().Select(i => Shard(collectionId, i).CatchUpAsync());
        try
        {
            await Task.WhenAll(held).WaitAsync(s_catchUpFor).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // see above
        }
    }

    private ICollectionShardGrain Shard(string collectionId, int index) => grains.GetGrain<ICollectionShardGrain>(CollectionShardGrain.Key(collectionId, index, settings.Shards));

    private async Task<ShardHits> AskAsync(string collectionId, int index, float[] embedding, int n, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await Shard(collectionId, index).ShortlistAsync(embedding, n).WaitAsync(s_askTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not SightlineException && clock.Elapsed < s_retryFor)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 << Math.Min(attempt, 3)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not SightlineException)
            {
                throw new SightlineException(ErrorKind.Throttling, $"Shard {index} of collection {collectionId} is moving to another node; try again.", ex) { RetryAfter = TimeSpan.FromSeconds(2) };
            }
        }
    }
}
