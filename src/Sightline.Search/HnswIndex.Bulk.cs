namespace Sightline.Search;

public sealed partial class HnswIndex
{
    /// <summary>
    /// Adds many vectors: stores them all (one thread, in order), then links them into the graph on
    /// <see cref="HnswOptions.BuildThreads"/> threads with per-node locks. Searches wait until it returns. If
    /// cancelled, nodes not yet linked are dropped (their ids are not in the index) and the rest stay searchable.
    /// </summary>
    /// <param name="progress">Nodes linked so far and the total, reported every few thousand.</param>
    public void AddRange(IEnumerable<(long Id, float[] Vector)> items, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var codes = new sbyte[Dimension];
        _lock.EnterWriteLock();
        try
        {
            int first = _count;
            foreach (var (id, vector) in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (vector.Length != Dimension)
                    throw new ArgumentException($"Expected {Dimension} values, got {vector.Length} for id {id}.", nameof(items));
                float scale = Int8Quantizer.Quantize(vector, codes);
                int node = NewNode(id, codes, scale);
                _exact?.Write(node, vector);
            }
            LinkAll(first, _count, progress, cancellationToken);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void LinkAll(int first, int end, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var levels = new int[end - first];
        for (int node = first; node < end; node++)
            levels[node - first] = DrawLevel(node);
        int next = first;
        if (_entry < 0 && next < end)
        {
            Link(next, levels[0]); // the first node becomes the entry point before any thread needs one
            next++;
        }
        int total = end - first, linked = next - first;
        next--; // workers take Interlocked.Increment(ref next)
        _parallel = true;
        try
        {
            int threads = Math.Max(1, Math.Min(_options.BuildThreads, total / 1024 + 1));
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    int node = Interlocked.Increment(ref next);
                    if (node >= end)
                        break;
                    Link(node, levels[node - first]);
                    if (Interlocked.Increment(ref linked) % 4096 == 0)
                        progress?.Report((linked, total));
                }
            }, maxStackSize: 1 << 20) { IsBackground = true, Name = "hnsw-link" }).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
        }
        finally
        {
            _parallel = false;
        }
        if (cancellationToken.IsCancellationRequested)
        {
            // Every node a worker took was linked in full; the rest are unreachable, so they leave the index.
            for (int node = Math.Max(first, next + 1); node < end; node++)
            {
                if (_nodeOf.TryGetValue(_ids[node], out int live) && live == node)
                    _nodeOf.Remove(_ids[node]);
                _deleted[node] = true;
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        progress?.Report((total, total));
    }
}
