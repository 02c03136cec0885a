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
}

/// <summary>
/// Approximate index: a hierarchical navigable small-world graph over int8 codes (the same quantisation and
/// SIMD kernel as the exact index), with the neighbour-selection heuristic, then fp32 re-ranking of the
/// candidates so returned scores are exact. Adds are serialised; searches run concurrently. Deleted nodes stay
/// in the graph as waypoints but are never returned.
/// </summary>
public sealed partial class HnswIndex : IVectorIndex, IDisposable
{
    private readonly HnswOptions _options;
    private readonly IExactVectorSource? _source;
    private readonly IExactVectorStore? _exact;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Random _random;
    private readonly double _levelFactor;
    private readonly int _m0;
    private sbyte[] _codes = [];
    private float[] _scales = [];
    private long[] _ids = [];
    private bool[] _deleted = [];
    private int[] _links0 = [];          // layer 0: per node, count then M0 neighbour slots
    private readonly Dictionary<int, int[][]> _upper = []; // node → per layer ≥ 1: count then M slots
    private readonly Dictionary<long, int> _nodeOf = [];
    private int _count;
    private int _entry = -1;
    private int _maxLevel = -1;

    public HnswIndex(int dimension, HnswOptions? options = null, IExactVectorSource? source = null)
    {
        Dimension = SearchSupport.CheckDimension(dimension);
        _options = options ?? new HnswOptions();
        if (_options.M is < 2 or > 128 || _options.EfConstruction < _options.M || _options.EfSearch < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "HNSW needs 2 ≤ M ≤ 128, EfConstruction ≥ M and EfSearch ≥ 1.");
        _m0 = 2 * _options.M;
        _levelFactor = 1 / Math.Log(_options.M);
        _random = new Random(_options.Seed);
        _source = source;
        _exact = source is null ? new InMemoryExactVectorStore(dimension) : null;
    }

    public int Dimension { get; }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _nodeOf.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    private ReadOnlySpan<sbyte> Codes(int node) => _codes.AsSpan(node * Dimension, Dimension);

    private float Similarity(ReadOnlySpan<sbyte> query, float queryScale, int node) =>
        Int8Kernels.Dot(query, Codes(node)) * queryScale * _scales[node];

    private Span<int> Links(int node, int level) =>
        level == 0 ? _links0.AsSpan(node * (_m0 + 1), _m0 + 1) : _upper[node][level - 1].AsSpan();

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

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, float minScore, CancellationToken cancellationToken)
    {
        var (codes, scale, queryCopy) = SearchSupport.Prepare(query, Dimension, k);
        _lock.EnterReadLock();
        try
        {
            if (_entry < 0)
                return [];
            int ef = Math.Max(_options.EfSearch, Math.Max(4 * k, 64));
            int current = _entry;
            for (int level = _maxLevel; level > 0; level--)
                current = Greedy(codes, scale, current, level);
            var found = SearchLayer(codes, scale, [current], ef, 0);
            var candidates = found.Where(c => !_deleted[c.Node]).Select(c => (_ids[c.Node], c.Node)).ToList();
            return SearchSupport.Rerank(queryCopy, SearchSupport.Vectors(_source, _exact, Dimension, candidates), k, minScore);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose() => _lock.Dispose();
}
