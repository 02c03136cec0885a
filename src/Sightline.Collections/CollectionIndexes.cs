using System.Collections.Concurrent;
using System.Text;
using Sightline.Search;
using Sightline.Storage;

namespace Sightline.Collections;

/// <summary>
/// One vector index per collection. The database is the source of truth: on first use a collection's index is
/// loaded from its snapshot (when there is one) and reconciled with the database — rows the database no longer
/// has are dropped, rows it gained are added — or else built from the database; so after any crash the index
/// agrees with the database. Writes go to the database first (durable), then to the index under the
/// collection's gate. Snapshots (int8 codes for the exact tier, the whole graph for HNSW) are written after a
/// build or repair and on orderly shutdown, so a restart loads rather than rebuilds. Writes made by other
/// processes reach the loaded indexes through the store's face change log (<see cref="FollowAsync"/>). Given a
/// <paramref name="shard"/>, the indexes hold only that shard of each collection's faces (a cluster's shard grain).
/// </summary>
public sealed partial class CollectionIndexes(ICollectionStore store, int dimension, string? snapshotDirectory = null, int approximateAbove = CollectionIndexes.DefaultApproximateAbove,
    FaceShard? shard = null) : IDisposable, IAsyncDisposable
{
    private readonly FaceShard _shard = shard ?? FaceShard.All;

    /// <summary>
    /// Collections larger than this are searched with HNSW. The exact scan measured 20–24 ms p50 per million
    /// 512-d faces on the 2-core reference machine (docs/benchmarks.md), so above ~1.5M it would pass ~36 ms.
    /// </summary>
    public const int DefaultApproximateAbove = 1_500_000;

    private const int FetchBatch = 512;
    private const int BuildChunk = 65_536;
    private const string FlatKind = "int8";
    private const string GraphKind = "hnsw";

    private static readonly HnswOptions GraphOptions = new() { EfSearch = EfSearchFor(0) };

    /// <summary>
    /// The graph's query-time candidate list for a collection of <paramref name="faces"/>: at 1M synthetic faces
    /// efSearch 512 gave recall@1 1.000, and at 10M recall@1 fell to 0.89 at 512, needing 8,192 for ≥ 0.99 (docs/benchmarks.md),
    /// so it grows from 512 as a power of the size through those two points (16× for 10×), up to 10,000.
    /// </summary>
    public static int EfSearchFor(int faces) =>
        faces <= 1_000_000 ? 512 : (int)Math.Min(10_000, Math.Round(512 * Math.Pow(faces / 1e6, Math.Log10(16))));
    private readonly ConcurrentDictionary<string, IVectorIndex> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _dirty = new(StringComparer.Ordinal);

    /// <summary>What the last load of each collection did, for logs and tests.</summary>
    public ConcurrentDictionary<string, string> LoadReports { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The collection's index, loaded on first use. One load runs at a time per collection under its gate (an async
    /// lock, the one held across I/O), so writes and change-log entries that arrive meanwhile wait for it and are
    /// applied to the index it publishes.
    /// </summary>
    public async Task<IVectorIndex> GetAsync(string collectionId, CancellationToken cancellationToken)
    {
        await FollowAsync(now: false, cancellationToken).ConfigureAwait(false);
        if (!_indexes.TryGetValue(collectionId, out var index))
        {
            var gate = GateFor(collectionId);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_indexes.TryGetValue(collectionId, out index))
                {
                    index = await LoadAsync(collectionId, cancellationToken).ConfigureAwait(false);
                    _indexes[collectionId] = index;
                }
            }
            finally
            {
                gate.Release();
            }
        }
        if (index is HnswIndex graph)
            graph.EfSearch = EfSearchFor(graph.Count); // the collection may have grown since the last search
        return index;
    }

    /// <summary>The faces in the collection's index when it is loaded; null while it is not (yet).</summary>
    public int? LoadedCount(string collectionId) => _indexes.TryGetValue(collectionId, out var index) ? index.Count : null;

    /// <summary>Adds faces this process just stored; a collection not loaded reads them from the database when it is.</summary>
    public Task AddedAsync(string collectionId, IEnumerable<StoredFace> faces) => UnderGateAsync(collectionId, index =>
    {
        foreach (var face in faces)
        {
            if (_shard.Holds(face.RowId) && !index.Contains(face.RowId)) // the change log may have brought it already
                index.Add(face.RowId, face.Embedding!);
        }
    });

    /// <summary>Removes faces this process just deleted.</summary>
    public Task RemovedAsync(string collectionId, IEnumerable<long> rowIds) => UnderGateAsync(collectionId, index =>
    {
        foreach (long row in rowIds)
            index.Remove(row);
    });

    /// <summary>
    /// Changes a loaded index in memory under its gate (waiting for a load in progress). The write it follows is
    /// already committed, so this is not cancelled: the index must not miss it.
    /// </summary>
    private async Task UnderGateAsync(string collectionId, Action<IVectorIndex> change)
    {
        if (!_gates.TryGetValue(collectionId, out var gate))
            return; // never loaded: the database already holds the change
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_indexes.TryGetValue(collectionId, out var index))
                return;
            change(index);
            _dirty[collectionId] = true;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task DropAsync(string collectionId)
    {
        var gate = GateFor(collectionId);
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Not disposed: a search that took the index before the drop may still be reading it (it finds the
            // faces gone from the database and answers with none); the index is garbage once the last one returns.
            _indexes.TryRemove(collectionId, out _);
            _reflects.TryRemove(collectionId, out _);
            foreach (string kind in (string[])[FlatKind, GraphKind])
            {
                if (SnapshotPath(collectionId, kind) is { } path && File.Exists(path))
                {
                    File.Delete(path);
                    File.Delete(path + ".seq");
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private SemaphoreSlim GateFor(string collectionId) => _gates.GetOrAdd(collectionId, _ => new SemaphoreSlim(1, 1));

    private string? SnapshotPath(string collectionId, string kind) => snapshotDirectory is null ? null
        : Path.Combine(snapshotDirectory, Convert.ToHexStringLower(Encoding.UTF8.GetBytes(collectionId))
            + (_shard.Count > 1 ? $".{_shard.Index}-of-{_shard.Count}" : "") + "." + kind);

    private async Task<IVectorIndex> LoadAsync(string collectionId, CancellationToken cancellationToken)
    {
        long before = await store.LastFaceChangeAsync(cancellationToken).ConfigureAwait(false);
        var index = await LoadStateAsync(collectionId, before, cancellationToken).ConfigureAwait(false);
        // Writes committed while it loaded (by any process) are in the change log after 'before'.
        int caughtUp = await ReplayAsync(collectionId, index, before, cancellationToken).ConfigureAwait(false);
        if (caughtUp > 0)
            LoadReports[collectionId] += $"; caught up {caughtUp} changes";
        return index;
    }

    private async Task<IPersistentVectorIndex> LoadStateAsync(string collectionId, long before, CancellationToken cancellationToken)
    {
        var source = new StoredEmbeddings(store);
        var rowIds = await store.ReadRowIdsAsync(collectionId, _shard, cancellationToken).ConfigureAwait(false);
        bool approximate = rowIds.Count > approximateAbove;
        string kind = approximate ? GraphKind : FlatKind;
        string? path = SnapshotPath(collectionId, kind);
        IPersistentVectorIndex? index = path is null ? null
            : approximate ? HnswIndex.TryLoad(path, dimension, GraphOptions, source) : FlatInt8Index.TryLoad(path, dimension, source);
        if (index is null)
        {
            // The index holds int8 codes (plus links for the graph); fp32 vectors for exact re-ranking are read
            // from the database, one batched query per search.
            if (approximate)
            {
                var graph = new HnswIndex(dimension, GraphOptions, source);
                // Streamed in chunks, so the embeddings of a large collection are never all in memory at once.
                var chunk = new List<(long, float[])>(BuildChunk);
                await foreach (var face in store.ReadEmbeddingsAsync(collectionId, _shard, cancellationToken).ConfigureAwait(false))
                {
                    chunk.Add(face);
                    if (chunk.Count == BuildChunk)
                    {
                        graph.AddRange(chunk, cancellationToken: cancellationToken);
                        chunk.Clear();
                    }
                }
                graph.AddRange(chunk, cancellationToken: cancellationToken);
                index = graph;
            }
            else
            {
                var flat = new FlatInt8Index(dimension, source);
                await foreach (var (rowId, embedding) in store.ReadEmbeddingsAsync(collectionId, _shard, cancellationToken).ConfigureAwait(false))
                    flat.Add(rowId, embedding);
                index = flat;
            }
            LoadReports[collectionId] = $"{KindName(index)} built from the database: {index.Count} faces";
            _reflects[collectionId] = before;
            Save(collectionId, index);
            return index;
        }
        if (ReadSeq(path!) is { } seq && seq <= before)
        {
            // The snapshot reflects every change up to 'seq': replay only what it missed.
            int loaded = index.Count, replayed = await ReplayAsync(collectionId, index, seq, cancellationToken).ConfigureAwait(false);
            LoadReports[collectionId] = $"{KindName(index)} snapshot with {loaded} faces; replayed {replayed} changes";
            if (replayed > 0)
                Save(collectionId, index);
            return index;
        }
        var inDatabase = rowIds.ToHashSet();
        var inIndex = index.Ids();
        int dropped = 0;
        foreach (long id in inIndex.Where(id => !inDatabase.Contains(id)))
        {
            index.Remove(id);
            dropped++;
        }
        var missing = inDatabase.Except(inIndex).ToList();
        foreach (var batch in missing.Chunk(FetchBatch))
        {
            foreach (var (id, embedding) in await store.GetEmbeddingsAsync(batch, cancellationToken).ConfigureAwait(false))
                index.Add(id, embedding);
        }
        LoadReports[collectionId] = $"{KindName(index)} snapshot with {inIndex.Count} faces; dropped {dropped}, added {missing.Count}";
        _reflects[collectionId] = before;
        Save(collectionId, index);
        return index;
    }

    private static string KindName(IVectorIndex index) => index is HnswIndex ? "approximate (HNSW)" : "exact";

    private void Save(string collectionId, IPersistentVectorIndex index)
    {
        if (SnapshotPath(collectionId, index is HnswIndex ? GraphKind : FlatKind) is not { } path)
            return;
        Directory.CreateDirectory(snapshotDirectory!);
        index.Save(path);
        WriteSeq(path, _reflects.GetValueOrDefault(collectionId));
        _dirty[collectionId] = false;
    }

    /// <summary>Writes snapshots of changed indexes (orderly shutdown), then frees them.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await FollowAsync(now: true, CancellationToken.None).ConfigureAwait(false); // so each snapshot records the newest change it reflects
        }
        catch (SightlineException)
        {
            // The store is unavailable: the snapshots record an older change, and the next start replays more.
        }
        foreach (var (id, index) in _indexes)
        {
            if (_dirty.TryGetValue(id, out bool dirty) && dirty && index is IPersistentVectorIndex persistent)
            {
                try
                {
                    Save(id, persistent);
                }
                catch (IOException)
                {
                    // A snapshot is an optimisation: the next start rebuilds or repairs from the database.
                }
            }
            (index as IDisposable)?.Dispose();
        }
        _indexes.Clear();
        foreach (var gate in _gates.Values)
            gate.Dispose();
        _gates.Clear();
    }

    /// <summary>
    /// For containers and hosts disposed synchronously (the CLI's): waits for <see cref="DisposeAsync"/>. Blocking is
    /// unavoidable in a synchronous Dispose; it runs once, at shutdown, on no synchronisation context.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
