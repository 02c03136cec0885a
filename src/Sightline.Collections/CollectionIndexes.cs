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
/// collection's lock. Snapshots (int8 codes for the exact tier, the whole graph for HNSW) are written after a
/// build or repair and on orderly shutdown, so a restart loads rather than rebuilds. Writes made by other
/// processes reach the loaded indexes through the store's face change log (<see cref="Follow"/>).
/// </summary>
public sealed partial class CollectionIndexes(ICollectionStore store, int dimension, string? snapshotDirectory = null, int approximateAbove = CollectionIndexes.DefaultApproximateAbove) : IDisposable
{
    /// <summary>
    /// Collections larger than this are searched with HNSW. The exact scan measured 20–24 ms p50 per million
    /// 512-d faces on the 2-core reference machine (README), so above ~1.5M it would pass ~36 ms.
    /// </summary>
    public const int DefaultApproximateAbove = 1_500_000;

    private const int FetchBatch = 512;
    private const string FlatKind = "int8";
    private const string GraphKind = "hnsw";

    private static readonly HnswOptions GraphOptions = new() { EfSearch = EfSearchFor(0) };

    /// <summary>
    /// The graph's query-time candidate list for a collection of <paramref name="faces"/>: at 1M synthetic faces
    /// efSearch 512 gave recall@1 1.000, and at 10M recall@1 fell to 0.89 at 512, needing 8,192 for ≥ 0.99 (README),
    /// so it grows from 512 as a power of the size through those two points (16× for 10×), up to 10,000.
    /// </summary>
    public static int EfSearchFor(int faces) =>
        faces <= 1_000_000 ? 512 : (int)Math.Min(10_000, Math.Round(512 * Math.Pow(faces / 1e6, Math.Log10(16))));
    private readonly ConcurrentDictionary<string, Lazy<IVectorIndex>> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _dirty = new(StringComparer.Ordinal);

    /// <summary>What the last load of each collection did, for logs and tests.</summary>
    public ConcurrentDictionary<string, string> LoadReports { get; } = new(StringComparer.Ordinal);

    public IVectorIndex Get(string collectionId)
    {
        Follow();
        lock (LockFor(collectionId))
        {
            var index = _indexes.GetOrAdd(collectionId, id => new Lazy<IVectorIndex>(() => Load(id))).Value;
            if (index is HnswIndex graph)
                graph.EfSearch = EfSearchFor(graph.Count); // the collection may have grown since the last search
            return index;
        }
    }

    public void Added(string collectionId, IEnumerable<StoredFace> faces)
    {
        lock (LockFor(collectionId))
        {
            if (!_indexes.TryGetValue(collectionId, out var lazy) || !lazy.IsValueCreated)
                return; // loaded from the database on first use, which already holds these faces
            foreach (var face in faces)
            {
                if (!lazy.Value.Contains(face.RowId)) // the change log may have brought it already
                    lazy.Value.Add(face.RowId, face.Embedding!);
            }
            _dirty[collectionId] = true;
        }
    }

    public void Removed(string collectionId, IEnumerable<long> rowIds)
    {
        lock (LockFor(collectionId))
        {
            if (!_indexes.TryGetValue(collectionId, out var lazy) || !lazy.IsValueCreated)
                return;
            foreach (long row in rowIds)
                lazy.Value.Remove(row);
            _dirty[collectionId] = true;
        }
    }

    public void Drop(string collectionId)
    {
        lock (LockFor(collectionId))
        {
            if (_indexes.TryRemove(collectionId, out var lazy) && lazy.IsValueCreated)
                (lazy.Value as IDisposable)?.Dispose();
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
    }

    private object LockFor(string collectionId) => _locks.GetOrAdd(collectionId, _ => new object());

    private string? SnapshotPath(string collectionId, string kind) => snapshotDirectory is null ? null
        : Path.Combine(snapshotDirectory, Convert.ToHexStringLower(Encoding.UTF8.GetBytes(collectionId)) + "." + kind);

    private IVectorIndex Load(string collectionId)
    {
        long before = store.LastFaceChange();
        var index = LoadState(collectionId, before);
        // Writes committed while it loaded (by any process) are in the change log after 'before'.
        int caughtUp = Replay(collectionId, index, before);
        if (caughtUp > 0)
            LoadReports[collectionId] += $"; caught up {caughtUp} changes";
        return index;
    }

    private IPersistentVectorIndex LoadState(string collectionId, long before)
    {
        var source = new StoreVectors(store);
        var rowIds = store.ReadRowIds(collectionId);
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
                graph.AddRange(store.ReadEmbeddings(collectionId));
                index = graph;
            }
            else
            {
                var flat = new FlatInt8Index(dimension, source);
                foreach (var (rowId, embedding) in store.ReadEmbeddings(collectionId))
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
            int loaded = index.Count, replayed = Replay(collectionId, index, seq);
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
            foreach (var (id, embedding) in store.GetEmbeddings(batch))
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

    private sealed class StoreVectors(ICollectionStore store) : IExactVectorSource
    {
        public IReadOnlyDictionary<long, float[]> Read(IReadOnlyCollection<long> ids) => store.GetEmbeddings(ids);
    }

    /// <summary>Writes snapshots of changed indexes (orderly shutdown), then frees them.</summary>
    public void Dispose()
    {
        try
        {
            Follow(now: true); // so each snapshot records the newest change it reflects
        }
        catch (SightlineException)
        {
            // The store is unavailable: the snapshots record an older change, and the next start replays more.
        }
        foreach (var (id, lazy) in _indexes)
        {
            if (!lazy.IsValueCreated)
                continue;
            if (_dirty.TryGetValue(id, out bool dirty) && dirty && lazy.Value is IPersistentVectorIndex persistent)
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
            (lazy.Value as IDisposable)?.Dispose();
        }
    }
}
