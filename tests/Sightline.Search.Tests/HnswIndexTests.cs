namespace Sightline.Search.Tests;

public sealed class HnswIndexTests
{
    private const int Dim = 512;

    [Fact]
    public void Recall_against_brute_force_is_high_on_clustered_embeddings()
    {
        var gen = new SyntheticEmbeddings(Dim, seed: 3);
        var data = new List<float[]>();
        for (int id = 0; id < 5_000; id++)
        {
            var centre = gen.Identity(id);
            for (int v = 0; v < 4; v++)
                data.Add(gen.Face(centre, id, v));
        }
        using var index = new HnswIndex(Dim);
        for (int i = 0; i < data.Count; i++)
            index.Add(i, data[i]);
        int top1 = 0, queries = 100;
        double top10 = 0;
        for (int q = 0; q < queries; q++)
        {
            int identity = q * 37 % 5_000;
            var probe = gen.Face(gen.Identity(identity), identity, 100 + q);
            var exact = data.Select((v, i) => (Id: (long)i, Score: Vectors.Dot(probe, v))).OrderByDescending(x => x.Score).Take(10).Select(x => x.Id).ToList();
            var hits = Searched.Of(index, probe, 10, -1, CancellationToken.None);
            if (hits[0].Id == exact[0]) top1++;
            top10 += hits.Select(h => h.Id).Intersect(exact).Count() / 10.0;
            Assert.Equal(Vectors.Dot(probe, data[(int)hits[0].Id]), hits[0].Score, 4);
        }
        Assert.True(top1 >= 99, $"recall@1 {top1}/{queries}");
        // Beyond an identity's own few faces the top 10 are near-ties among strangers (cosine ~0.3), hard for any ANN.
        Assert.True(top10 / queries >= 0.9, $"recall@10 {top10 / queries:F3}");
    }

    [Fact]
    public void Deleted_nodes_are_not_returned_but_still_route()
    {
        var rng = new Random(5);
        var data = Enumerable.Range(0, 3_000).Select(_ => Vectors.Unit(rng, Dim)).ToList();
        using var index = new HnswIndex(Dim);
        for (int i = 0; i < data.Count; i++)
            index.Add(i, data[i]);
        for (int i = 0; i < 1_500; i++)
            Assert.True(index.Remove(i));
        Assert.Equal(1_500, index.Count);
        for (int q = 1_500; q < 1_600; q++)
        {
            var hits = Searched.Of(index, data[q], 5, -1, CancellationToken.None);
            Assert.Equal(q, hits[0].Id);
            Assert.All(hits, h => Assert.True(h.Id >= 1_500));
        }
        Assert.Empty(Searched.Of(new HnswIndex(Dim), data[0], 3, -1, CancellationToken.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswIndex(Dim, new HnswOptions { M = 1 }));
    }
}

public sealed class HnswBulkAndSnapshotTests : IDisposable
{
    private const int Dim = 128;
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-hnsw-").FullName;

    private static List<float[]> Clustered(int identities, int seed)
    {
        var gen = new SyntheticEmbeddings(Dim, seed);
        var data = new List<float[]>();
        for (int id = 0; id < identities; id++)
        {
            var centre = gen.Identity(id);
            for (int v = 0; v < 4; v++)
                data.Add(gen.Face(centre, id, v));
        }
        return data;
    }

    private sealed class Source(List<float[]> data) : IExactVectorSource
    {
        public ValueTask<IReadOnlyDictionary<long, float[]>> ReadAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyDictionary<long, float[]>>(ids.Where(i => i < data.Count).ToDictionary(i => i, i => data[(int)i]));
    }

    private static int Top1(HnswIndex index, List<float[]> data, int queries)
    {
        int top1 = 0;
        for (int q = 0; q < queries; q++)
        {
            var probe = data[q * 7 % data.Count];
            var exact = data.Select((v, i) => (Id: (long)i, Score: Vectors.Dot(probe, v))).MaxBy(x => x.Score).Id;
            var hits = Searched.Of(index, probe, 5, -1, CancellationToken.None);
            if (hits.Count > 0 && hits[0].Id == exact) top1++;
        }
        return top1;
    }

    [Fact]
    public void A_parallel_bulk_build_finds_what_a_serial_build_finds()
    {
        var data = Clustered(2_500, seed: 4);
        using var serial = new HnswIndex(Dim, new HnswOptions { BuildThreads = 1 });
        for (int i = 0; i < data.Count; i++)
            serial.Add(i, data[i]);
        using var parallel = new HnswIndex(Dim, new HnswOptions { BuildThreads = 4 });
        var reports = new List<(int Done, int Total)>();
        parallel.AddRange(data.Select((v, i) => ((long)i, v)), new Progress<(int, int)>(reports.Add));
        Assert.Equal(data.Count, parallel.Count);
        Assert.Equal(Top1(serial, data, 200), Top1(parallel, data, 200), (a, b) => Math.Abs(a - b) <= 2);
        Assert.True(Top1(parallel, data, 200) >= 198);

        // A second batch links onto the existing graph; a repeated id replaces its old vector.
        var more = Clustered(3_000, seed: 4).Skip(data.Count).ToList();
        parallel.AddRange(more.Select((v, i) => ((long)(data.Count + i), v)).Append((0L, more[0])));
        Assert.Equal(data.Count + more.Count, parallel.Count);
        Assert.Equal(0, Searched.Of(parallel, more[0], 2, -1, CancellationToken.None).Select(h => h.Id).Order().First());
    }

    [Fact]
    public void A_cancelled_bulk_build_keeps_only_linked_nodes_and_they_are_all_searchable()
    {
        var data = Clustered(3_000, seed: 6);
        using var index = new HnswIndex(Dim, new HnswOptions { BuildThreads = 2 });
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Done >= 4096) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => index.AddRange(data.Select((v, i) => ((long)i, v)), progress, cts.Token));
        var ids = index.Ids();
        Assert.InRange(ids.Count, 4096, data.Count - 1);
        foreach (long id in ids.Take(300))
            Assert.Equal(id, Searched.Of(index, data[(int)id], 1, -1, CancellationToken.None)[0].Id);
    }

    private sealed class SynchronousProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }

    [Fact]
    public void A_snapshot_reloads_the_same_graph_with_its_deletes()
    {
        var data = Clustered(1_500, seed: 8);
        var source = new Source(data);
        using var index = new HnswIndex(Dim, source: source);
        index.AddRange(data.Select((v, i) => ((long)i, v)));
        for (int i = 0; i < 100; i++)
            index.Remove(i * 3);
        string path = Path.Combine(_dir, "graph.hnsw");
        index.Save(path);

        using var loaded = HnswIndex.TryLoad(path, Dim, new HnswOptions(), source);
        Assert.NotNull(loaded);
        Assert.Equal(index.Count, loaded.Count);
        Assert.True(index.Ids().ToHashSet().SetEquals(loaded.Ids()));
        for (int q = 0; q < 60; q++)
            Assert.Equal(Searched.Of(index, data[q * 11], 5, -1, CancellationToken.None), Searched.Of(loaded, data[q * 11], 5, -1, CancellationToken.None));
        Assert.DoesNotContain(Searched.Of(loaded, data[0], 5, -1, CancellationToken.None), h => h.Id == 0);

        // Searches and adds after loading behave as on the original.
        loaded.Add(0, data[0]);
        Assert.Equal(0, Searched.Of(loaded, data[0], 1, -1, CancellationToken.None)[0].Id);
    }

    [Fact]
    public void Damaged_or_foreign_snapshots_are_refused()
    {
        var data = Clustered(300, seed: 9);
        var source = new Source(data);
        using var index = new HnswIndex(Dim, source: source);
        index.AddRange(data.Select((v, i) => ((long)i, v)));
        string path = Path.Combine(_dir, "graph.hnsw");
        index.Save(path);
        var bytes = File.ReadAllBytes(path);

        Assert.Null(HnswIndex.TryLoad(Path.Combine(_dir, "missing.hnsw"), Dim, new HnswOptions(), source));
        Assert.Null(HnswIndex.TryLoad(path, Dim * 2, new HnswOptions(), source));
        Assert.Null(HnswIndex.TryLoad(path, Dim, new HnswOptions { M = 8 }, source));
        File.WriteAllBytes(path, bytes[..(bytes.Length - 5)]);
        Assert.Null(HnswIndex.TryLoad(path, Dim, new HnswOptions(), source));
        // A link pointing past the last node (first node's first layer-0 link: after 32 header + 14 + Dim bytes).
        var bad = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(bad.AsSpan(32 + 14 + Dim + 4), 1_000_000);
        File.WriteAllBytes(path, bad);
        Assert.Null(HnswIndex.TryLoad(path, Dim, new HnswOptions(), source));
        File.WriteAllBytes(path, bytes);
        Assert.NotNull(HnswIndex.TryLoad(path, Dim, new HnswOptions(), source));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
