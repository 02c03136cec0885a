using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Sightline.Search;

public sealed partial class HnswIndex
{
    [ThreadStatic]
    private static int[]? t_visited;

    [ThreadStatic]
    private static int t_epoch;

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
            throw new ArgumentException($"Expected {Dimension} values, got {vector.Length}.", nameof(vector));
        Span<sbyte> codes = Dimension <= 4096 ? stackalloc sbyte[Dimension] : new sbyte[Dimension];
        float scale = Int8Quantizer.Quantize(vector, codes);
        _lock.EnterWriteLock();
        try
        {
            int node = NewNode(id, codes, scale);
            _exact?.Write(node, vector);
            Link(node, DrawLevel(node));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Stores a node's codes (not yet linked); an earlier node with the same id is deleted.</summary>
    private int NewNode(long id, ReadOnlySpan<sbyte> codes, float scale)
    {
        if (_nodeOf.Remove(id, out int old))
            _deleted[old] = true;
        int node = _count;
        if (node == int.MaxValue - 1)
            throw new InvalidOperationException("The graph is full.");
        if (node == _ids.Length)
        {
            int capacity = (int)Math.Min(int.MaxValue - 1L, Math.Max(1024, _ids.Length * 2L));
            Array.Resize(ref _scales, capacity);
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _deleted, capacity);
            Array.Resize(ref _ready, capacity);
        }
        if (node >> ChunkShift == _codes.Count)
        {
            _codes.Add(GC.AllocateArray<sbyte>(ChunkRows * Dimension, pinned: true)); // pinned, so prefetches can address it
            _links0.Add(new int[ChunkRows * (_m0 + 1)]);
        }
        codes.CopyTo(_codes[node >> ChunkShift].AsSpan((node & ChunkMask) * Dimension, Dimension));
        _scales[node] = scale;
        _ids[node] = id;
        _nodeOf[id] = node;
        _count++;
        return node;
    }

    /// <summary>Draws a node's top layer and allocates its upper-layer link lists.</summary>
    private int DrawLevel(int node)
    {
        int level = Math.Min(30, (int)Math.Floor(-Math.Log(1 - _random.NextDouble()) * _levelFactor));
        if (level > 0)
            _upper[node] = [.. Enumerable.Range(0, level).Select(_ => new int[_options.M + 1])];
        return level;
    }

    /// <summary>Links a stored node into the graph; safe to run for many nodes at once while <see cref="_parallel"/>.</summary>
    private void Link(int node, int level)
    {
        int entry, maxLevel;
        lock (_entryLock)
        {
            if (_entry < 0)
            {
                Volatile.Write(ref _ready[node], true);
                _entry = node;
                _maxLevel = level;
                return;
            }
            (entry, maxLevel) = (_entry, _maxLevel);
        }
        var codes = Codes(node);
        float scale = _scales[node];
        int current = entry;
        for (int l = maxLevel; l > level; l--)
            current = Greedy(codes, scale, current, l);
        var entryPoints = new List<int> { current };
        for (int l = Math.Min(level, maxLevel); l >= 0; l--)
        {
            var found = SearchLayer(codes, scale, entryPoints, _options.EfConstruction, l);
            int max = l == 0 ? _m0 : _options.M;
            var chosen = SelectNeighbours(found, _options.M);
            SetLinks(node, l, chosen);
            foreach (int other in chosen)
                AddLink(other, node, l, max);
            entryPoints = [.. found.Select(f => f.Node)];
        }
        Volatile.Write(ref _ready[node], true);
        if (level > maxLevel)
        {
            lock (_entryLock)
            {
                if (level > _maxLevel)
                {
                    _maxLevel = level;
                    _entry = node;
                }
            }
        }
    }

    /// <summary>Asks the CPU to start loading a node's codes and scale (a hint; no effect without SSE).</summary>
    private unsafe void Prefetch(int node)
    {
        if (!Sse.IsSupported)
            return;
        byte* row = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_codes[node >> ChunkShift])) + (long)(node & ChunkMask) * Dimension;
        for (int offset = 0; offset < Dimension; offset += 64)
            Sse.Prefetch0(row + offset);
        Sse.Prefetch0(Unsafe.AsPointer(ref _scales[node]));
    }

    /// <summary>Greedy walk at one layer to the node most similar to the query.</summary>
    private int Greedy(ReadOnlySpan<sbyte> codes, float scale, int start, int level)
    {
        Span<int> buffer = stackalloc int[_m0 + 1];
        int current = start;
        float best = Similarity(codes, scale, current);
        bool moved = true;
        while (moved)
        {
            moved = false;
            foreach (int n in Neighbours(current, level, buffer))
            {
                float s = Similarity(codes, scale, n);
                if (s > best)
                {
                    best = s;
                    current = n;
                    moved = true;
                }
            }
        }
        return current;
    }

    /// <summary>Best-first search of one layer; returns up to <paramref name="ef"/> nodes, most similar first.</summary>
    private List<(int Node, float Sim)> SearchLayer(ReadOnlySpan<sbyte> codes, float scale, List<int> entries, int ef, int level)
    {
        Span<int> buffer = stackalloc int[_m0 + 1];
        Span<int> pending = stackalloc int[_m0 + 1];
        int count = Volatile.Read(ref _count);
        var visited = t_visited is { } v && v.Length >= count ? v : (t_visited = new int[Math.Max(count + count / 2, 1024)]);
        int epoch = ++t_epoch;
        if (epoch == int.MaxValue)
        {
            Array.Clear(visited);
            t_epoch = epoch = 1;
        }
        var candidates = new PriorityQueue<int, float>(); // most similar first (priority = −similarity)
        var results = new PriorityQueue<int, float>();    // least similar on top (priority = similarity)
        foreach (int e in entries)
        {
            if (visited[e] == epoch) continue;
            visited[e] = epoch;
            float s = Similarity(codes, scale, e);
            candidates.Enqueue(e, -s);
            results.Enqueue(e, s);
            if (results.Count > ef) results.Dequeue();
        }
        while (candidates.TryDequeue(out int c, out float negSim))
        {
            results.TryPeek(out _, out float worst);
            if (-negSim < worst && results.Count >= ef)
                break;
            // Gather the unvisited neighbours and prefetch their codes first, so the cache misses overlap
            // instead of each similarity waiting for its own (hnswlib does the same).
            var neighbours = Neighbours(c, level, buffer);
            int fresh = 0;
            foreach (int n in neighbours)
            {
                if (visited[n] == epoch) continue;
                visited[n] = epoch;
                Prefetch(n);
                pending[fresh++] = n;
            }
            foreach (int n in pending[..fresh])
            {
                float s = Similarity(codes, scale, n);
                results.TryPeek(out _, out worst);
                if (results.Count < ef || s > worst)
                {
                    candidates.Enqueue(n, -s);
                    results.Enqueue(n, s);
                    if (results.Count > ef) results.Dequeue();
                }
            }
        }
        var list = new List<(int, float)>(results.Count);
        while (results.TryDequeue(out int n, out float s))
            list.Add((n, s));
        list.Reverse();
        return list;
    }

    /// <summary>
    /// The neighbour-selection heuristic: take candidates most similar first, keeping one only if it is more
    /// similar to the new node than to every neighbour already kept, so links spread in all directions.
    /// </summary>
    private List<int> SelectNeighbours(List<(int Node, float Sim)> candidates, int m)
    {
        var kept = new List<int>(m);
        foreach (var (node, sim) in candidates)
        {
            if (kept.Count >= m) break;
            bool diverse = true;
            foreach (int k in kept)
            {
                if (Similarity(Codes(node), _scales[node], k) > sim)
                {
                    diverse = false;
                    break;
                }
            }
            if (diverse) kept.Add(node);
        }
        return kept;
    }

    private void SetLinks(int node, int level, List<int> neighbours)
    {
        lock (NodeLock(node))
        {
            var links = Links(node, level);
            for (int i = 0; i < neighbours.Count; i++)
                links[i + 1] = neighbours[i];
            links[0] = neighbours.Count;
        }
    }

    /// <summary>
    /// Adds a back link; when the node is full the least similar link gives way if the new one is more similar
    /// (re-running the heuristic here cost ~16k distance evaluations per insert for little recall).
    /// </summary>
    private void AddLink(int node, int neighbour, int level, int max)
    {
        lock (NodeLock(node))
        {
            var links = Links(node, level);
            if (links[0] < max)
            {
                links[links[0] + 1] = neighbour;
                links[0]++;
                return;
            }
            for (int i = 1; i <= links[0]; i++)
                Prefetch(links[i]);
            Prefetch(neighbour);
            var codes = Codes(node);
            float scale = _scales[node];
            int weakest = 1;
            float weakestSim = float.MaxValue;
            for (int i = 1; i <= links[0]; i++)
            {
                float s = Similarity(codes, scale, links[i]);
                if (s < weakestSim)
                {
                    weakestSim = s;
                    weakest = i;
                }
            }
            if (Similarity(codes, scale, neighbour) > weakestSim)
                links[weakest] = neighbour;
        }
    }
}
