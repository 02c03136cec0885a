using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Sightline.Search;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline bench search</c>: build time, memory, latency, QPS and recall of the vector index on synthetic embeddings.</summary>
internal static class BenchSearchCommand
{
    private const int FacesPerIdentity = 4;

    private sealed record Result(string Index, string Data, int Faces, int Dimension, int Queries, double BuildSeconds, double CodeBytesPerFace,
        double ManagedMegabytes, double PeakWorkingSetMegabytes, double P50Ms, double P99Ms, double Qps, double RecallAt1, double RecallAt10, int RecallQueries,
        double SnapshotSaveSeconds, double SnapshotLoadSeconds);

    public static Command Build()
    {
        var faces = new Option<int>("--faces") { DefaultValueFactory = _ => 100_000, Description = "Faces in the synthetic collection" };
        var dim = new Option<int>("--dim") { DefaultValueFactory = _ => 512, Description = "Embedding dimension" };
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200, Description = "Probe searches to time" };
        var kind = new Option<string>("--index") { DefaultValueFactory = _ => "exact", Description = "exact (int8 scan + fp32 re-rank) or hnsw (approximate graph + fp32 re-rank)" };
        kind.AcceptOnlyFromAmong("exact", "hnsw");
        var ef = new Option<int>("--ef") { DefaultValueFactory = _ => 64, Description = "HNSW candidate list size at query time" };
        var export = new Option<string>("--export") { Description = "Also write the vectors (base.f32) and probes (queries.f32) as raw little-endian float32 to this folder, for a side-by-side run of another engine" };
        var snapshot = new Option<string>("--snapshot") { Description = "Also time writing the index to this file and loading it back (the file is deleted afterwards)" };
        var command = new Command("search", "Vector index benchmark on synthetic clustered unit vectors") { faces, dim, queries, kind, ef, export, snapshot, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            int n = parse.GetValue(faces), d = parse.GetValue(dim), q = parse.GetValue(queries);
            if (n is < 100 or > 50_000_000) throw SightlineException.InvalidParameter($"--faces must be between 100 and 50,000,000, got {n}.");
            if (d is < 8 or > 8192) throw SightlineException.InvalidParameter($"--dim must be between 8 and 8192, got {d}.");
            if (q is < 1 or > 1_000_000) throw SightlineException.InvalidParameter($"--queries must be between 1 and 1,000,000, got {q}.");
            int efSearch = parse.GetValue(ef);
            if (efSearch is < 1 or > 10_000) throw SightlineException.InvalidParameter($"--ef must be between 1 and 10000, got {efSearch}.");
            var result = Run(n, d, q, parse.GetValue(kind)!, efSearch, parse.GetValue(export), parse.GetValue(snapshot), ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
                return 0;
            }
            var table = new Table().AddColumns("measure", "value");
            table.AddRow("index", Markup.Escape(result.Index));
            table.AddRow("data", Markup.Escape(result.Data));
            table.AddRow("faces × dim", $"{result.Faces:N0} × {result.Dimension}");
            table.AddRow("build", $"{result.BuildSeconds:F2} s");
            table.AddRow("int8 tier bytes per face", $"{result.CodeBytesPerFace:F0}");
            table.AddRow("managed heap (incl. re-ranking copies) / peak working set", $"{result.ManagedMegabytes:N0} MB / {result.PeakWorkingSetMegabytes:N0} MB");
            table.AddRow("single query p50 / p99", $"{result.P50Ms:F2} / {result.P99Ms:F2} ms");
            table.AddRow("QPS (one query at a time, all cores each)", $"{result.Qps:F1}");
            table.AddRow($"recall@1 / @10 vs fp32 brute force ({result.RecallQueries} queries)", $"{result.RecallAt1:F3} / {result.RecallAt10:F3}");
            if (result.SnapshotSaveSeconds > 0)
                table.AddRow("snapshot write / load", $"{result.SnapshotSaveSeconds:F1} / {result.SnapshotLoadSeconds:F1} s");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Above this many faces the benchmark keeps fp16 re-ranking copies (fp32 would not fit with the index in 24 GiB).</summary>
    private const int HalfCopiesAbove = 2_000_000;

    private static Result Run(int n, int dim, int queries, string kind, int ef, string? export, string? snapshot, CancellationToken ct)
    {
        var gen = new SyntheticEmbeddings(dim);
        int identities = Math.Max(1, n / FacesPerIdentity);
        // Vectors are regenerated from their index whenever needed (deterministic), so 10M never sit in memory as fp32.
        float[] VectorAt(int i) => i < identities * FacesPerIdentity
            ? gen.Face(gen.Identity(i / FacesPerIdentity), i / FacesPerIdentity, i % FacesPerIdentity)
            : gen.Face(gen.Identity(identities - 1), identities - 1, i);
        IEnumerable<(long Id, float[] Vector)> Stream() =>
            Enumerable.Range(0, n).AsParallel().AsOrdered().WithCancellation(ct).Select(i => ((long)i, VectorAt(i)));

        bool half = n > HalfCopiesAbove;
        IExactVectorStore copies = half ? new HalfExactVectorStore(dim) : new InMemoryExactVectorStore(dim);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var sw = Stopwatch.StartNew();
        IPersistentVectorIndex? index = Cli.WithProgress<IPersistentVectorIndex>(kind == "hnsw" ? "building graph" : "building index", p =>
        {
            if (kind == "hnsw")
            {
                var graph = new HnswIndex(dim, new HnswOptions { EfSearch = ef }, exact: copies);
                graph.AddRange(Stream(), p, ct);
                return graph;
            }
            var flat = new FlatInt8Index(dim, copies);
            int done = 0;
            foreach (var (id, vector) in Stream())
            {
                flat.Add(id, vector);
                if (++done % 8192 == 0) p?.Report((done, n));
            }
            return flat;
        }, linesWhenRedirected: true);
        double build = sw.Elapsed.TotalSeconds;
        double managed = (GC.GetTotalMemory(forceFullCollection: true) - before) / 1e6;

        // Probes: a fresh view of a random enrolled identity, as a new photo of a known face.
        var rng = new Random(7);
        var probes = Enumerable.Range(0, queries).Select(i =>
        {
            int id = rng.Next(identities);
            return gen.Face(gen.Identity(id), id, 1000 + i);
        }).ToList();
        if (export is { Length: > 0 })
        {
            Directory.CreateDirectory(export);
            Write(Path.Combine(export, "base.f32"), Enumerable.Range(0, n).AsParallel().AsOrdered().Select(VectorAt));
            Write(Path.Combine(export, "queries.f32"), probes);
        }
        var (p50, p99, qps, results) = Time(index, probes, ct);

        int recallQueries = Math.Min(queries, 500);
        var truth = Cli.WithProgress("exact fp32 ground truth", p => BruteForce(n, VectorAt, probes.Take(recallQueries).ToList(), 10, p, ct), linesWhenRedirected: true);
        double r1 = 0, r10 = 0;
        for (int i = 0; i < recallQueries; i++)
        {
            var got = results[i].Select(h => h.Id).ToHashSet();
            r1 += results[i].Count > 0 && results[i][0].Id == truth[i][0] ? 1 : 0;
            r10 += truth[i].Count(got.Contains) / 10.0;
        }
        var (saveSeconds, loadSeconds) = snapshot is { Length: > 0 } ? SnapshotRoundTrip(ref index, snapshot, kind, dim, ef, copies, probes, results, ct) : (0, 0);
        (index as IDisposable)?.Dispose();
        return new Result(
            kind == "hnsw" ? $"hnsw (M 16, efConstruction 100, efSearch {ef}, built on {Environment.ProcessorCount} threads)" : "exact int8",
            $"synthetic: {identities:N0} identities × {FacesPerIdentity} faces, centres in a 100-d subspace, faces at cosine 0.5–0.85; "
                + $"re-ranking copies {(half ? "fp16" : "fp32")}; build time includes generating the vectors",
            n, dim, queries, build, kind == "hnsw" ? dim + 4 + 8 + 2 + 33 * 4 : dim + 4 + 8 + 1, managed,
            Process.GetCurrentProcess().PeakWorkingSet64 / 1e6, p50, p99, qps, r1 / recallQueries, r10 / recallQueries, recallQueries,
            saveSeconds, loadSeconds);
    }

    private static (double P50, double P99, double Qps, List<IReadOnlyList<SearchHit>> Results) Time(IVectorIndex index, List<float[]> probes, CancellationToken ct)
    {
        index.Search(probes[0], 10, -1, ct);
        var times = new List<double>(probes.Count);
        var results = new List<IReadOnlyList<SearchHit>>(probes.Count);
        var all = Stopwatch.StartNew();
        foreach (var probe in probes)
        {
            long t = Stopwatch.GetTimestamp();
            results.Add(index.Search(probe, 10, -1, ct));
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        double qps = probes.Count / all.Elapsed.TotalSeconds;
        times.Sort();
        return (times[times.Count / 2], times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))], qps, results);
    }

    /// <summary>Saves the index, frees it, loads the file back and checks the loaded index answers the same.</summary>
    private static (double Save, double Load) SnapshotRoundTrip(ref IPersistentVectorIndex? index, string path, string kind, int dim, int ef,
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
            ? HnswIndex.TryLoad(path, dim, new HnswOptions { EfSearch = ef }, source)
            : FlatInt8Index.TryLoad(path, dim, source);
        double load = sw.Elapsed.TotalSeconds;
        if (loaded is null)
            throw new InvalidOperationException($"The snapshot {path} could not be loaded back.");
        for (int i = 0; i < Math.Min(50, probes.Count); i++)
        {
            if (!loaded.Search(probes[i], 10, -1, ct).SequenceEqual(expected[i]))
                throw new InvalidOperationException($"The index loaded from {path} answered probe {i} differently.");
        }
        (loaded as IDisposable)?.Dispose();
        File.Delete(path);
        return (save, load);
    }

    /// <summary>Re-ranking vectors for a loaded snapshot: the benchmark's ids are its rows.</summary>
    private sealed class CopiesSource(IExactVectorStore copies, int dim) : IExactVectorSource
    {
        public IReadOnlyDictionary<long, float[]> Read(IReadOnlyCollection<long> ids) => ids.ToDictionary(id => id, id =>
        {
            var v = new float[dim];
            copies.Read((int)id, v);
            return v;
        });
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
