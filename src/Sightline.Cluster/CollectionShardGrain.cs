using Sightline.Collections;
using Sightline.Faces;
using Sightline.Hosting;
using Sightline.Storage;

namespace Sightline.Cluster;

/// <summary>What one shard found: row ids and cosine scores, best first, and the node that searched.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardHits([property: Id(0)] long[] Ids, [property: Id(1)] float[] Scores, [property: Id(2)] string Node);

/// <summary>What a shard holds now (for 'cluster status' and the benchmark).</summary>
[GenerateSerializer, Immutable]
public sealed record ShardState([property: Id(0)] string Collection, [property: Id(1)] int Index, [property: Id(2)] int Count, [property: Id(3)] int Faces,
    [property: Id(4)] string Node, [property: Id(5)] string Load);

/// <summary>
/// One shard of a collection's faces (<see cref="FaceShard"/>: the faces whose row id leaves <c>Index</c> divided by
/// <c>Count</c>), keyed <c>COLLECTION/INDEX/COUNT</c>. Its in-memory index (exact int8 or HNSW, as a single process's)
/// is loaded on activation from this node's snapshot of the shard, reconciled with the database, or built from it;
/// then it follows the database's face change log, so every write acknowledged by any node reaches it before a later
/// search. Searches run at once (reentrant); the index is thread-safe.
/// </summary>
public interface ICollectionShardGrain : IGrainWithStringKey
{
    Task<ShardHits> SearchAsync(float[] embedding, int k, float minCosine);

    Task<ShardState> StateAsync();

    /// <summary>The collection was deleted: drop the index and its snapshot, and deactivate.</summary>
    Task DropAsync();
}

[Orleans.Concurrency.Reentrant]
[SpreadPlacement]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class CollectionShardGrain(ICollectionStore store, FaceEngine engine, SightlineOptions options, ClusterSettings cluster,
    Storage.Postgres.PostgresClusterTables tables) : Grain, ICollectionShardGrain
{
    private CollectionIndexes? _indexes;
    private string _collection = "";
    private FaceShard _shard;

    public static string Key(string collection, int index, int count) => $"{collection}/{index}/{count}";

    /// <summary>Loads the shard before its first answer, and records where it now lives.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        string[] parts = this.GetPrimaryKeyString().Split('/');
        _collection = parts[0];
        _shard = new FaceShard(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        _indexes = new CollectionIndexes(store, engine.Embedder.Dimension, options.IndexDirectory, shard: _shard);
        var index = await _indexes.GetAsync(_collection, cancellationToken).ConfigureAwait(true);
        try
        {
            await tables.RecordShardAsync(cluster.Id, new Storage.Postgres.ClusterShardRow(_collection, _shard.Index, _shard.Count, options.Node, index.Count, DateTimeOffset.UtcNow),
                cancellationToken).ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Only 'cluster status' reads it; the shard serves regardless.
        }
    }

    public async Task<ShardHits> SearchAsync(float[] embedding, int k, float minCosine)
    {
        var index = await _indexes!.GetAsync(_collection, CancellationToken.None).ConfigureAwait(true);
        var hits = await index.SearchAsync(embedding, k, minCosine, CancellationToken.None).ConfigureAwait(true);
        return new ShardHits([.. hits.Select(h => h.Id)], [.. hits.Select(h => h.Score)], options.Node);
    }

    public async Task<ShardState> StateAsync()
    {
        var index = await _indexes!.GetAsync(_collection, CancellationToken.None).ConfigureAwait(true);
        return new ShardState(_collection, _shard.Index, _shard.Count, index.Count, options.Node, _indexes.LoadReports.GetValueOrDefault(_collection) ?? "");
    }

    public async Task DropAsync()
    {
        await _indexes!.DropAsync(_collection).ConfigureAwait(true);
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_indexes is not null)
            await _indexes.DisposeAsync().ConfigureAwait(true); // writes the shard's snapshot when it changed
    }
}
