using System.Diagnostics;
using System.Numerics.Tensors;
using Sightline.Search;

namespace Sightline.Benchmarks;

public sealed record SearchBenchResult(string Index, string Data, int Faces, int Dimension, int Queries, double BuildSeconds, double CodeBytesPerFace,
    double ManagedMegabytes, double PeakWorkingSetMegabytes, double P50Ms, double P99Ms, double Qps, double RecallAt1, double RecallAt10, int RecallQueries,
    double SnapshotSaveSeconds, double SnapshotLoadSeconds, IReadOnlyList<EfRun> Sweep, bool ResumedFromCheckpoint);

/// <summary>One query-time setting of the sweep (the top-level figures are the first one's).</summary>
public sealed record EfRun(int Ef, double P50Ms, double P99Ms, double Qps, double RecallAt1, double RecallAt10);

/// <summary>Build time, memory, latency, QPS and recall of the vector index on synthetic clustered unit vectors.</summary>
public static class SearchBenchmark
{
    /// <summary>Above this many faces the benchmark keeps fp16 re-ranking copies (fp32 would not fit with the index in 24 GiB).</summary>
    private const int HalfCopiesAbove = 2_000_000;

    public static SearchBenchResult Run(IBenchProgress progress, int n, int dim, int queries, string kind, List<int> efs, HnswOptions graphOptions, string? export, string? snapshot,
        string? checkpoint, CancellationToken ct)
    {
        var data = new BenchVectors(new SyntheticEmbeddings(dim), n, ct);
        bool half = n > HalfCopiesAbove;
        IExactVectorStore copies = half ? new HalfExactVectorStore(dim) : new InMemoryExactVectorStore(dim);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        IPersistentVectorIndex? index;
        double build;
        bool resumed = false;
        if (kind == "hnsw")
        {
            var graph = new GraphBuild(data, graphOptions, new CopiesSource(copies, dim), checkpoint, progress);
            (index, build, resumed) = graph.Build(ct);
            // Re-ranking copies are filled after linking, so the build itself needs only codes and links in memory.
            progress.Run("re-ranking copies", p =>
            {
                int done = 0;
                foreach (var (id, vector) in data.Stream(0, n))
                {
                    copies.Write((int)id, vector);
                    if (++done % 65_536 == 0) p?.Report((done, n));
                }
                return 0;
            }, linesWhenRedirected: true);
        }
        else
        {
            var sw = Stopwatch.StartNew();
            index = progress.Run<IPersistentVectorIndex>("building index", p =>
            {
                var flat = new FlatInt8Index(dim, copies);
                int done = 0;
                foreach (var (id, vector) in data.Stream(0, n))
                {
                    flat.Add(id, vector);
                    if (++done % 8192 == 0) p?.Report((done, n));
                }
                return flat;
            }, linesWhenRedirected: true);
            build = sw.Elapsed.TotalSeconds;
        }
        double managed = (GC.GetTotalMemory(forceFullCollection: true) - before) / 1e6;

        // Probes: a fresh view of a random enrolled identity, as a new photo of a known face.
        var rng = new Random(7);
        var probes = Enumerable.Range(0, queries).Select(i =>
        {
            int id = rng.Next(data.Identities);
            return data.Generator.Face(data.Generator.Identity(id), id, 1000 + i);
        }).ToList();
        if (export is { Length: > 0 })
        {
            Directory.CreateDirectory(export);
            Write(Path.Combine(export, "base.f32"), Enumerable.Range(0, n).AsParallel().AsOrdered().Select(data.VectorAt));
            Write(Path.Combine(export, "queries.f32"), probes);
        }
        int recallQueries = Math.Min(queries, 500);
        var truth = progress.Run("exact fp32 ground truth", p => BruteForce(n, data.VectorAt, probes.Take(recallQueries).ToList(), 10, p, ct), linesWhenRedirected: true);
        var sweep = new List<EfRun>();
        List<IReadOnlyList<SearchHit>> first = [];
        foreach (int ef in kind == "hnsw" ? efs : [0])
        {
            if (index is HnswIndex g)
                g.EfSearch = ef;
            var (p50, p99, qps, results) = Time(index, probes, ct);
            var (r1, r10) = Recall(results, truth, recallQueries);
            sweep.Add(new EfRun(ef, p50, p99, qps, r1, r10));
            if (first.Count == 0)
                first = results;
        }
        if (index is HnswIndex firstEf)
            firstEf.EfSearch = efs[0];
        var (saveSeconds, loadSeconds) = snapshot is { Length: > 0 } ? SnapshotRoundTrip(ref index, snapshot, kind, dim, graphOptions, copies, probes, first, ct) : (0, 0);
        (index as IDisposable)?.Dispose();
        var head = sweep[0];
        return new SearchBenchResult(
            kind == "hnsw"
                ? $"hnsw (M {graphOptions.M}, efConstruction {graphOptions.EfConstruction}, efSearch {string.Join('/', efs)}, built on {graphOptions.BuildThreads} threads)"
                : "exact int8",
            $"synthetic: {data.Identities:N0} identities × {BenchVectors.FacesPerIdentity} faces, centres in a 100-d subspace, faces at cosine 0.5–0.85; "
                + $"re-ranking copies {(half ? "fp16" : "fp32")}; build time includes generating the vectors",
            n, dim, queries, build, kind == "hnsw" ? dim + 4 + 8 + 2 + (2 * graphOptions.M + 1) * 4 : dim + 4 + 8 + 1, managed,
            Process.GetCurrentProcess().PeakWorkingSet64 / 1e6, head.P50Ms, head.P99Ms, head.Qps, head.RecallAt1, head.RecallAt10, recallQueries,
            saveSeconds, loadSeconds, kind == "hnsw" ? sweep : [], resumed);
    }

    private static (double At1, double At10) Recall(List<IReadOnlyList<SearchHit>> results, long[][] truth, int queries)
    {
        double r1 = 0, r10 = 0;
        for (int i = 0; i < queries; i++)
        {
            var got = results[i].Select(h => h.Id).ToHashSet();
            r1 += results[i].Count > 0 && results[i][0].Id == truth[i][0] ? 1 : 0;
            r10 += truth[i].Count(got.Contains) / (double)truth[i].Length;
        }
        return (r1 / queries, r10 / queries);
    }

    private static (double P50, double P99, double Qps, List<IReadOnlyList<SearchHit>> Results) Time(IVectorIndex index, List<float[]> probes, CancellationToken ct)
    {
        // Warm-up, so tiered compilation has promoted the search path before it is timed (a loaded graph has not run it).
        foreach (var probe in probes.Take(100))
            InMemorySearch.Completed(index.SearchAsync(probe, 10, -1, ct));
        var times = new List<double>(probes.Count);
        var results = new List<IReadOnlyList<SearchHit>>(probes.Count);
        var all = Stopwatch.StartNew();
        foreach (var probe in probes)
        {
            long t = Stopwatch.GetTimestamp();
            results.Add(InMemorySearch.Completed(index.SearchAsync(probe, 10, -1, ct)));
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        double qps = probes.Count / all.Elapsed.TotalSeconds;
        times.Sort();
        return (times[times.Count / 2], times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))], qps, results);
    }

    /// <summary>Saves the index, frees it, loads the file back and checks the loaded index answers the same.</summary>
    private static (double Save, double Load) SnapshotRoundTrip(ref IPersistentVectorIndex? index, string path, string kind, int dim, HnswOptions graphOptions,
        IExactVectorStore copies, List<float[]> probes, List<IReadOnlyList<SearchHit>> expected, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        index!.Save(path);
        double save = sw.Elapsed.TotalSeconds;
        (index as IDisposable)?.Dispose();
        index = null; // freed before the copy is loaded, so both never sit in memory together
        GC.Collect();
        var source = new CopiesSource(copies, dim);
        sw.Restart();
        IPersistentVectorIndex? loaded = kind == "hnsw"
            ? HnswIndex.TryLoad(path, dim, graphOptions, source)
            : FlatInt8Index.TryLoad(path, dim, source);
        double load = sw.Elapsed.TotalSeconds;
        if (loaded is null)
            throw new InvalidOperationException($"The snapshot {path} could not be loaded back.");
        for (int i = 0; i < Math.Min(50, probes.Count); i++)
        {
            if (!InMemorySearch.Completed(loaded.SearchAsync(probes[i], 10, -1, ct)).SequenceEqual(expected[i]))
                throw new InvalidOperationException($"The index loaded from {path} answered probe {i} differently.");
        }
        (loaded as IDisposable)?.Dispose();
        File.Delete(path);
        return (save, load);
    }

    /// <summary>Re-ranking vectors for a loaded snapshot: the benchmark's ids are its rows.</summary>
    public sealed class CopiesSource(IExactVectorStore copies, int dim) : IExactVectorSource
    {
        public ValueTask<IReadOnlyDictionary<long, float[]>> ReadAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyDictionary<long, float[]>>(ids.ToDictionary(id => id, id =>
            {
                var v = new float[dim];
                copies.Read((int)id, v);
                return v;
            }));
    }

    private static void Write(string path, IEnumerable<float[]> rows)
    {
        using var file = File.Create(path);
        foreach (var row in rows)
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
    }

    /// <summary>Exact fp32 top-k of every probe in one streaming pass over the regenerated vectors, on all cores.</summary>
    private static long[][] BruteForce(int n, Func<int, float[]> vectorAt, List<float[]> probes, int k, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        const int Block = 4096;
        int blocks = (n + Block - 1) / Block, done = 0;
        var partial = new System.Collections.Concurrent.ConcurrentBag<TopK[]>();
        Parallel.For(0, blocks, new ParallelOptions { CancellationToken = ct }, () => probes.Select(_ => new TopK(k)).ToArray(), (b, _, tops) =>
        {
            for (int i = b * Block; i < Math.Min(n, (b + 1) * Block); i++)
            {
                var v = vectorAt(i);
                for (int q = 0; q < probes.Count; q++)
                {
                    float s = TensorPrimitives.Dot(v, probes[q]);
                    if (s > tops[q].Floor)
                        tops[q].Offer(s, i);
                }
            }
            if (Interlocked.Increment(ref done) % 16 == 0) progress?.Report((done, blocks));
            return tops;
        }, partial.Add);
        return [.. probes.Select((_, q) =>
        {
            var merged = new TopK(k);
            foreach (var tops in partial)
                foreach (var (score, row) in tops[q].Items())
                    merged.Offer(score, row);
            return merged.Items().OrderByDescending(x => x.Score).Select(x => (long)x.Row).ToArray();
        })];
    }
}
