using System.Numerics.Tensors;

namespace Sightline.Search;

/// <summary>
/// Exact search over int8 codes: every live row is scored with the SIMD int8 kernel across all cores, a
/// shortlist (4·k, at least 64) is kept per worker, and the shortlist is re-ranked with fp32 vectors so the
/// returned scores are exact cosines. Memory per row: dim bytes of codes + 4 (scale) + 8 (id) + 1 (deleted).
/// Adds and removes take a write lock; searches run concurrently under a read lock.
/// </summary>
public sealed partial class FlatInt8Index : IPersistentVectorIndex, IDisposable
{
    private const int ChunkRows = 65536;
    private const int Block = 512;
    private readonly List<sbyte[]> _codes = [];
    private readonly List<float[]> _scales = [];
    private readonly List<long[]> _ids = [];
    private readonly List<bool[]> _deleted = [];
    private readonly Dictionary<long, int> _rowOf = [];
    private readonly IExactVectorStore? _exact;
    private readonly IExactVectorSource? _source;
    private readonly ReaderWriterLockSlim _lock = new();
    private int _rows;

    /// <summary>An index that keeps fp32 copies itself (in <paramref name="exact"/>, default in memory).</summary>
    public FlatInt8Index(int dimension, IExactVectorStore? exact = null)
    {
        Dimension = SearchSupport.CheckDimension(dimension);
        _exact = exact ?? new InMemoryExactVectorStore(dimension);
    }

    /// <summary>An index of int8 codes only; re-ranking reads fp32 vectors by id from <paramref name="source"/>.</summary>
    public FlatInt8Index(int dimension, IExactVectorSource source)
    {
        Dimension = SearchSupport.CheckDimension(dimension);
        _source = source;
    }

    public int Dimension { get; }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _rowOf.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Rows ever added (deleted ones included); the scan cost.</summary>
    public int Rows => Volatile.Read(ref _rows);

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
            throw new ArgumentException($"Expected {Dimension} values, got {vector.Length}.", nameof(vector));
        Span<sbyte> codes = Dimension <= 4096 ? stackalloc sbyte[Dimension] : new sbyte[Dimension];
        float scale = Int8Quantizer.Quantize(vector, codes);
        _lock.EnterWriteLock();
        try
        {
            int row = Append(id, scale, codes);
            _exact?.Write(row, vector);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds already-quantised codes (snapshot loading).</summary>
    private void AddCodes(long id, float scale, ReadOnlySpan<sbyte> codes)
    {
        _lock.EnterWriteLock();
        try { Append(id, scale, codes); }
        finally { _lock.ExitWriteLock(); }
    }

    private int Append(long id, float scale, ReadOnlySpan<sbyte> codes)
    {
        if (_rowOf.TryGetValue(id, out int old))
            _deleted[old / ChunkRows][old % ChunkRows] = true;
        int row = _rows;
        int chunk = row / ChunkRows, offset = row % ChunkRows;
        if (chunk == _codes.Count)
        {
            _codes.Add(new sbyte[ChunkRows * Dimension]);
            _scales.Add(new float[ChunkRows]);
            _ids.Add(new long[ChunkRows]);
            _deleted.Add(new bool[ChunkRows]);
        }
        codes.CopyTo(_codes[chunk].AsSpan(offset * Dimension, Dimension));
        _scales[chunk][offset] = scale;
        _ids[chunk][offset] = id;
        _rowOf[id] = row;
        Volatile.Write(ref _rows, row + 1);
        return row;
    }

    public bool Contains(long id)
    {
        _lock.EnterReadLock();
        try
        {
            return _rowOf.ContainsKey(id);
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
            if (!_rowOf.Remove(id, out int row))
                return false;
            _deleted[row / ChunkRows][row % ChunkRows] = true;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public ValueTask<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, float minScore, CancellationToken cancellationToken)
    {
        var (codes, queryScale, queryCopy) = SearchSupport.Prepare(query.Span, Dimension, k);
        var (candidates, stored) = Shortlist(codes, queryScale, SearchSupport.ShortlistSize(k), keepVectors: true, cancellationToken);
        return SearchSupport.RerankAsync(queryCopy, _source, candidates, stored, k, minScore, cancellationToken);
    }

    public IReadOnlyList<SearchHit> Shortlist(ReadOnlySpan<float> query, int n, CancellationToken cancellationToken)
    {
        var (codes, queryScale, _) = SearchSupport.Prepare(query, Dimension, n);
        return [.. Shortlist(codes, queryScale, n, keepVectors: false, cancellationToken).Candidates.Select(c => new SearchHit(c.Id, c.Score))];
    }

    /// <summary>
    /// The best <paramref name="shortlist"/> rows by int8 score (each worker keeps its own best, merged here) and, when
    /// the index keeps fp32 copies and the caller wants them, their vectors: read under the lock.
    /// </summary>
    private (List<(long Id, int Row, float Score)> Candidates, List<(long Id, float[] Vector)>? Stored) Shortlist(sbyte[] codes, float queryScale, int shortlist,
        bool keepVectors, CancellationToken cancellationToken)
    {
        _lock.EnterReadLock();
        try
        {
            int rows = _rows;
            int workers = Math.Max(1, Math.Min(Environment.ProcessorCount, rows / 4096));
            var tops = new TopK[workers];
            Parallel.For(0, workers, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = workers }, w =>
            {
                var top = new TopK(shortlist);
                long start = (long)rows * w / workers, end = (long)rows * (w + 1) / workers;
                Scan(codes, queryScale, (int)start, (int)end, top);
                tops[w] = top;
            });
            var candidates = tops.SelectMany(t => t.Items()).OrderByDescending(c => c.Score).Take(shortlist)
                .Select(c => (_ids[c.Row / ChunkRows][c.Row % ChunkRows], c.Row, c.Score)).ToList();
            return (candidates, keepVectors && _source is null ? SearchSupport.Stored(_exact!, Dimension, candidates) : null);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Scan(sbyte[] query, float queryScale, int start, int end, TopK top)
    {
        Span<int> dots = stackalloc int[Block];
        int row = start;
        while (row < end)
        {
            int chunk = row / ChunkRows, offset = row % ChunkRows;
            int n = Math.Min(Math.Min(Block, end - row), ChunkRows - offset);
            var codes = _codes[chunk].AsSpan(offset * Dimension, n * Dimension);
            Int8Kernels.DotMany(query, codes, Dimension, dots[..n]);
            var scales = _scales[chunk];
            var deleted = _deleted[chunk];
            for (int i = 0; i < n; i++)
            {
                float score = dots[i] * queryScale * scales[offset + i];
                if (score > top.Floor && !deleted[offset + i])
                    top.Offer(score, row + i);
            }
            row += n;
        }
    }

    public void Dispose() => _lock.Dispose();
}
