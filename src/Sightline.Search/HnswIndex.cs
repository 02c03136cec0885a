namespace Sightline.Search;

/// <summary>HNSW build and search settings (Malkov and Yashunin, 2018).</summary>
public sealed record HnswOptions
{
    /// <summary>Links per node on the upper layers; layer 0 has twice as many.</summary>
    public int M { get; init; } = 16;

    public int EfConstruction { get; init; } = 100;

    /// <summary>Candidate list size at query time; raised to the shortlist size when that is larger.</summary>
    public int EfSearch { get; init; } = 64;

    public int Seed { get; init; } = 42;

    /// <summary>Threads that link nodes in <see cref="HnswIndex.AddRange"/>; default all cores.</summary>
    public int BuildThreads { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Approximate index: a hierarchical navigable small-world graph over int8 codes (the same quantisation and
/// SIMD kernel as the exact index), with the neighbour-selection heuristic, then fp32 re-ranking of a shortlist
/// so returned scores are exact. Single adds are serialised; <see cref="AddRange"/> links on all cores (per-node
/// locks, as hnswlib does); searches run concurrently. Deleted nodes stay in the graph as waypoints but are
/// never returned. Codes and layer-0 links live in 64k-node chunks, so 10M × 512 needs no giant array.
/// </summary>
public sealed partial class HnswIndex : IPersistentVectorIndex, IDisposable
{
    private const int ChunkShift = 16;
    private const int ChunkRows = 1 << ChunkShift;
    private const int ChunkMask = ChunkRows - 1;
    private const int Stripes = 4096;
    private readonly HnswOptions _options;
    private readonly IExactVectorSource? _source;
    private readonly IExactVectorStore? _exact;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Lock[] _nodeLocks = [.. Enumerable.Range(0, Stripes).Select(_ => new Lock())];
    private readonly Lock _entryLock = new();
    private readonly Random _random;
    private readonly double _levelFactor;
    private readonly int _m0;
    private readonly List<sbyte[]> _codes = [];
    private readonly List<int[]> _links0 = [];   // layer 0: per node, count then M0 neighbour slots
    private float[] _scales = [];
    private long[] _ids = [];
    private bool[] _deleted = [];
    private bool[] _ready = [];           // linked in full; while linking in parallel, others skip nodes that are not
    private readonly Dictionary<int, int[][]> _upper = []; // node → per layer ≥ 1: count then M slots
    private readonly Dictionary<long, int> _nodeOf = [];
    private int _count;
    private int _entry = -1;
    private int _maxLevel = -1;
    private volatile bool _parallel;
    private volatile int _efSearch;

    public HnswIndex(int dimension, HnswOptions? options = null, IExactVectorSource? source = null, IExactVectorStore? exact = null)
    {
        Dimension = SearchSupport.CheckDimension(dimension);
        _options = options ?? new HnswOptions();
        if (_options.M is < 2 or > 128 || _options.EfConstruction < _options.M || _options.EfSearch < 1 || _options.BuildThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "HNSW needs 2 ≤ M ≤ 128, EfConstruction ≥ M, EfSearch ≥ 1 and BuildThreads ≥ 1.");
        _m0 = 2 * _options.M;
        _efSearch = _options.EfSearch;
        _levelFactor = 1 / Math.Log(_options.M);
        _random = new Random(_options.Seed);
        _source = source;
        _exact = source is null ? exact ?? new InMemoryExactVectorStore(dimension) : null;
    }

    public int Dimension { get; }

    /// <summary>Candidate list size at query time; starts at <see cref="HnswOptions.EfSearch"/> and may be changed between searches.</summary>
    public int EfSearch
    {
        get => _efSearch;
        set => _efSearch = value is >= 1 and <= 100_000 ? value : throw new ArgumentOutOfRangeException(nameof(value), "EfSearch must be between 1 and 100,000.");
    }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _nodeOf.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    private ReadOnlySpan<sbyte> Codes(int node) => _codes[node >> ChunkShift].AsSpan((node & ChunkMask) * Dimension, Dimension);

    private float Similarity(ReadOnlySpan<sbyte> query, float queryScale, int node) =>
        Int8Kernels.Dot(query, Codes(node)) * queryScale * _scales[node];

    private Span<int> Links(int node, int level) =>
        level == 0 ? _links0[node >> ChunkShift].AsSpan((node & ChunkMask) * (_m0 + 1), _m0 + 1) : _upper[node][level - 1].AsSpan();

    private Lock NodeLock(int node) => _nodeLocks[node & (Stripes - 1)];

    /// <summary>A node's neighbours at a layer; while linking in parallel, a copy taken under the node's lock.</summary>
    private ReadOnlySpan<int> Neighbours(int node, int level, Span<int> buffer)
    {
        var links = Links(node, level);
        if (!_parallel)
            return links.Slice(1, links[0]);
        int count = 0;
        lock (NodeLock(node))
        {
            for (int i = 1; i <= links[0]; i++)
            {
                // A node still being inserted has no lower-layer links yet; walking into it would strand the search
                // (hnswlib blocks on the node's lock for the same reason).
                if (Volatile.Read(ref _ready[links[i]]))
                    buffer[count++] = links[i];
            }
        }
        return buffer[..count];
    }

    public bool Contains(long id)
    {
        _lock.EnterReadLock();
        try
        {
            return _nodeOf.ContainsKey(id);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public bool Remove(long id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_nodeOf.Remove(id, out int node))
                return false;
            _deleted[node] = true;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public ValueTask<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, float minScore, CancellationToken cancellationToken)
    {
        var (codes, scale, queryCopy) = SearchSupport.Prepare(query.Span, Dimension, k);
        cancellationToken.ThrowIfCancellationRequested();
        var (candidates, stored) = Shortlist(codes, scale, SearchSupport.ShortlistSize(k), keepVectors: true);
        return SearchSupport.RerankAsync(queryCopy, _source, candidates, stored, k, minScore, cancellationToken);
    }

    public IReadOnlyList<SearchHit> Shortlist(ReadOnlySpan<float> query, int n, CancellationToken cancellationToken)
    {
        var (codes, scale, _) = SearchSupport.Prepare(query, Dimension, n);
        cancellationToken.ThrowIfCancellationRequested();
        return [.. Shortlist(codes, scale, n, keepVectors: false).Candidates.Select(c => new SearchHit(c.Id, c.Score))];
    }

    /// <summary>The int8 shortlist and, when the index keeps fp32 copies and the caller wants them, their vectors: read under the lock.</summary>
    private (List<(long Id, int Row, float Score)> Candidates, List<(long Id, float[] Vector)>? Stored) Shortlist(sbyte[] codes, float scale, int shortlist, bool keepVectors)
    {
        _lock.EnterReadLock();
        try
        {
            if (_entry < 0)
                return ([], keepVectors && _source is null ? [] : null);
            int ef = Math.Max(_efSearch, shortlist);
            int current = _entry;
            for (int level = _maxLevel; level > 0; level--)
                current = Greedy(codes, scale, current, level);
            var found = SearchLayer(codes, scale, [current], ef, 0);
            // The int8 order is within quantisation noise of the exact one, so the shortlist (as in the exact
            // index) holds the true top k; only it is re-ranked in fp32.
            var candidates = found.Where(c => !_deleted[c.Node]).Take(shortlist).Select(c => (_ids[c.Node], c.Node, c.Sim)).ToList();
            return (candidates, keepVectors && _source is null ? SearchSupport.Stored(_exact!, Dimension, candidates) : null);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose() => _lock.Dispose();
}
