using Sightline.Collections;
using Sightline.Faces;
using Sightline.Hosting;
using Sightline.Storage;

namespace Sightline.Cluster;

/// <summary>What one shard found: its int8 shortlist (row ids and approximate cosines, best first) and the node that searched; or that it is still loading.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardHits([property: Id(0)] long[] Ids, [property: Id(1)] float[] Scores, [property: Id(2)] string Node, [property: Id(3)] bool Loading = false);

/// <summary>What a shard holds now (for 'cluster status' and the benchmark).</summary>
[GenerateSerializer, Immutable]
public sealed record ShardState([property: Id(0)] string Collection, [property: Id(1)] int Index, [property: Id(2)] int Count, [property: Id(3)] int Faces,
    [property: Id(4)] string Node, [property: Id(5)] string Load);

/// <summary>
/// One shard of a collection's faces (<see cref="FaceShard"/>: the faces whose row id leaves <c>Index</c> divided by
/// <c>Count</c>), keyed <c>COLLECTION/INDEX/COUNT</c>. Its in-memory index (exact int8 or HNSW, as a single process's)
/// is loaded when the grain activates, from this node's snapshot of the shard, reconciled with the database, or built
/// from it; a search that arrives before the load has finished waits for it up to <see cref="CollectionShardGrain.LoadWait"/>
/// and is then answered "loading" (a large shard takes minutes to build). Once loaded it follows the database's face
/// change log: a node that writes has the shards holding its faces apply them before it acknowledges the write
/// (<see cref="ICollectionShardGrain.CatchUpAsync"/>), and a search reads the log first at most every
/// <see cref="CollectionShardGrain.FollowEvery"/> for writes made elsewhere (the CLI). Searches run at once
/// (reentrant); the index is thread-safe.
/// </summary>
public interface ICollectionShardGrain : IGrainWithStringKey
{
    /// <summary>The shard's int8 shortlist of <paramref name="n"/> (not re-ranked: the caller merges every shard's and re-ranks once).</summary>
    Task<ShardHits> ShortlistAsync(float[] embedding, int n);

    Task<ShardState> StateAsync();

    /// <summary>
    /// A node has just committed faces of this shard (added or deleted): the shard applies the change log up to them
    /// before it answers, so a search through any node then sees them. A shard still loading has them when it is loaded.
    /// </summary>
    Task CatchUpAsync();

    /// <summary>The collection was deleted: drop the index and its snapshot, and deactivate.</summary>
    Task DropAsync();
}

[Orleans.Concurrency.Reentrant]
[SpreadPlacement]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class CollectionShardGrain(ICollectionStore store, FaceEngine engine, SightlineOptions options, ClusterSettings cluster,
    Storage.Postgres.PostgresClusterTables tables, LocalShards local) : Grain, ICollectionShardGrain
{
    /// <summary>How long a search waits for the shard's load before it is answered "loading".</summary>
    public static readonly TimeSpan LoadWait = TimeSpan.FromSeconds(10);

    /// <summary>How stale a shard may be with respect to writes made outside the cluster's nodes.</summary>
    public static readonly TimeSpan FollowEvery = TimeSpan.FromSeconds(1);

    /// <summary>How often a loaded shard records how many faces it holds when that changed (for 'cluster status').</summary>
    public static readonly TimeSpan RecordEvery = TimeSpan.FromSeconds(2);

    private int _recorded = -1;

    private CollectionIndexes? _indexes;
    private Task _load = Task.CompletedTask;
    private string _collection = "";
    private FaceShard _shard;

    public static string Key(string collection, int index, int count) => $"{collection}/{index}/{count}";

    /// <summary>Starts loading the shard (off the grain's turn, so activation is not held up), then records where it lives.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        string[] parts = this.GetPrimaryKeyString().Split('/');
        _collection = parts[0];
        _shard = new FaceShard(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        var indexes = _indexes = new CollectionIndexes(store, engine.Embedder.Dimension, options.IndexDirectory, shard: _shard) { FollowEvery = FollowEvery };
        string collection = _collection;
        var shard = _shard;
        _load = Task.Run(() => ShardLoad.RunAsync(indexes, collection, shard, options.Node, cluster.Id, tables), CancellationToken.None);
        local.Add(this.GetPrimaryKeyString(), collection, shard.Index, () => indexes.LoadedCount(collection));
        this.RegisterGrainTimer(RecordFacesAsync, RecordEvery, RecordEvery);
        return Task.CompletedTask;
    }

    private async Task RecordFacesAsync(CancellationToken cancellationToken)
    {
        if (!_load.IsCompletedSuccessfully || _indexes!.LoadedCount(_collection) is not { } faces || faces == _recorded)
            return;
        try
        {
            await tables.RecordShardFacesAsync(cluster.Id, _collection, _shard, options.Node, faces, cancellationToken).ConfigureAwait(true);
            _recorded = faces;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // Only 'cluster status' reads it: the next tick tries again.
        }
    }

    /// <summary>False when the load has not finished within <see cref="LoadWait"/>; a failed load is retried.</summary>
    private async Task<bool> LoadedAsync()
    {
        if (_load.IsFaulted)
            _load = Task.Run(() => _indexes!.GetAsync(_collection, CancellationToken.None));
        try
        {
            await _load.WaitAsync(LoadWait).ConfigureAwait(true);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async Task<ShardHits> ShortlistAsync(float[] embedding, int n)
    {
        if (!await LoadedAsync().ConfigureAwait(true))
            return new ShardHits([], [], options.Node, Loading: true);
        var index = await _indexes!.GetAsync(_collection, CancellationToken.None).ConfigureAwait(true);
        var hits = index.Shortlist(embedding, n, CancellationToken.None);
        return new ShardHits([.. hits.Select(h => h.Id)], [.. hits.Select(h => h.Score)], options.Node);
    }

    public async Task<ShardState> StateAsync()
    {
        if (!await LoadedAsync().ConfigureAwait(true))
            return new ShardState(_collection, _shard.Index, _shard.Count, 0, options.Node, "loading");
        var index = await _indexes!.GetAsync(_collection, CancellationToken.None).ConfigureAwait(true);
        return new ShardState(_collection, _shard.Index, _shard.Count, index.Count, options.Node, _indexes.LoadReports.GetValueOrDefault(_collection) ?? "");
    }

    /// <summary>A load under way is not waited for: it reads what was committed, and the first search after it the log since.</summary>
    public async Task CatchUpAsync()
    {
        if (_load.IsCompletedSuccessfully)
            await _indexes!.FollowAsync(now: true, CancellationToken.None).ConfigureAwait(true);
    }

    public async Task DropAsync()
    {
        await LoadedAsync().ConfigureAwait(true);
        await _indexes!.DropAsync(_collection).ConfigureAwait(true);
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        local.Remove(this.GetPrimaryKeyString());
        if (_indexes is not null)
        {
            try
            {
                await _load.ConfigureAwait(true);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // a failed load leaves nothing to save
            }
            await _indexes.DisposeAsync().ConfigureAwait(true); // writes the shard's snapshot when it changed
        }
    }
}

/// <summary>A shard's load, off the grain's scheduler (it reads the database and builds the index for as long as that takes).</summary>
internal static class ShardLoad
{
    public static async Task RunAsync(CollectionIndexes indexes, string collection, FaceShard shard, string node, string clusterId, Storage.Postgres.PostgresClusterTables tables)
    {
        var index = await indexes.GetAsync(collection, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await tables.RecordShardAsync(clusterId, new Storage.Postgres.ClusterShardRow(collection, shard.Index, shard.Count, node, index.Count, DateTimeOffset.UtcNow),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Only 'cluster status' reads it; the shard serves regardless.
        }
    }
}
