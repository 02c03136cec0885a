using System.Collections.Concurrent;
using Sightline.Search;
using Sightline.Storage;

namespace Sightline.Collections;

/// <summary>
/// One vector index per collection, built from the store on first use, so the database is the source of truth
/// and the index always agrees with it after a restart. Writes go to the store first (durable), then to the
/// index under the collection's lock; a build and a write never interleave.
/// </summary>
public sealed class CollectionIndexes(ICollectionStore store, int dimension) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<FlatInt8Index>> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);

    public FlatInt8Index Get(string collectionId)
    {
        lock (LockFor(collectionId))
            return _indexes.GetOrAdd(collectionId, id => new Lazy<FlatInt8Index>(() => Build(id))).Value;
    }

    public void Added(string collectionId, IEnumerable<StoredFace> faces)
    {
        lock (LockFor(collectionId))
        {
            if (!_indexes.TryGetValue(collectionId, out var lazy) || !lazy.IsValueCreated)
                return; // built from the store on first use, which already holds these faces
            foreach (var face in faces)
                lazy.Value.Add(face.RowId, face.Embedding!);
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
        }
    }

    public void Drop(string collectionId)
    {
        lock (LockFor(collectionId))
        {
            if (_indexes.TryRemove(collectionId, out var lazy) && lazy.IsValueCreated)
                lazy.Value.Dispose();
        }
    }

    private object LockFor(string collectionId) => _locks.GetOrAdd(collectionId, _ => new object());

    private FlatInt8Index Build(string collectionId)
    {
        // The index holds int8 codes only (~525 bytes a face); fp32 vectors for exact re-ranking are read from
        // the database, one batched query per search.
        var index = new FlatInt8Index(dimension, new StoreVectors(store));
        foreach (var (rowId, embedding) in store.ReadEmbeddings(collectionId))
            index.Add(rowId, embedding);
        return index;
    }

    private sealed class StoreVectors(ICollectionStore store) : IExactVectorSource
    {
        public IReadOnlyDictionary<long, float[]> Read(IReadOnlyCollection<long> ids) => store.GetEmbeddings(ids);
    }

    public void Dispose()
    {
        foreach (var lazy in _indexes.Values)
        {
            if (lazy.IsValueCreated)
                lazy.Value.Dispose();
        }
    }
}
