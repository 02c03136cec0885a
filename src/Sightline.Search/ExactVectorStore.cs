namespace Sightline.Search;

/// <summary>
/// Where full-precision vectors for re-ranking come from when the index does not keep them: the caller's own
/// durable store (e.g. the database), read in one batch per search, so the index holds only int8 codes. The read is
/// made after the index has released its lock.
/// </summary>
public interface IExactVectorSource
{
    /// <summary>The fp32 vectors of the given ids; ids it no longer has are left out.</summary>
    ValueTask<IReadOnlyDictionary<long, float[]>> ReadAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}

/// <summary>Full-precision copies of the indexed vectors, read only to rescore a shortlist.</summary>
public interface IExactVectorStore
{
    void Write(int row, ReadOnlySpan<float> vector);

    void Read(int row, Span<float> destination);
}

/// <summary>fp32 rows in managed chunks; the default when no file-backed store is given.</summary>
public sealed class InMemoryExactVectorStore(int dimension) : IExactVectorStore
{
    private const int ChunkRows = 16384;
    private readonly List<float[]> _chunks = [];

    public void Write(int row, ReadOnlySpan<float> vector)
    {
        int chunk = row / ChunkRows;
        while (_chunks.Count <= chunk)
            _chunks.Add(new float[ChunkRows * dimension]);
        vector.CopyTo(_chunks[chunk].AsSpan(row % ChunkRows * dimension, dimension));
    }

    public void Read(int row, Span<float> destination) =>
        _chunks[row / ChunkRows].AsSpan(row % ChunkRows * dimension, dimension).CopyTo(destination);
}

/// <summary>
/// fp16 rows in managed chunks: half the memory of fp32 (1 KB per 512-d face) with rounding below 1e-3 of a
/// cosine, for benchmarks at a scale where fp32 copies would not fit in memory. Writes come one at a time
/// (under the owning index's write lock).
/// </summary>
public sealed class HalfExactVectorStore(int dimension) : IExactVectorStore
{
    private const int ChunkRows = 16384;
    private readonly List<Half[]> _chunks = [];

    public void Write(int row, ReadOnlySpan<float> vector)
    {
        int chunk = row / ChunkRows;
        while (_chunks.Count <= chunk)
            _chunks.Add(new Half[ChunkRows * dimension]);
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(vector, _chunks[chunk].AsSpan(row % ChunkRows * dimension, dimension));
    }

    public void Read(int row, Span<float> destination) =>
        System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(_chunks[row / ChunkRows].AsSpan(row % ChunkRows * dimension, dimension), destination);
}
