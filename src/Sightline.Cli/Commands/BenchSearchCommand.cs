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
    private sealed record Result(string Index, string Data, int Faces, int Dimension, int Queries, double BuildSeconds, double CodeBytesPerFace,
        double ManagedMegabytes, double PeakWorkingSetMegabytes, double P50Ms, double P99Ms, double Qps, double RecallAt1, double RecallAt10, int RecallQueries,
        double SnapshotSaveSeconds, double SnapshotLoadSeconds, IReadOnlyList<EfRun> Sweep, bool ResumedFromCheckpoint);

    /// <summary>One query-time setting of the sweep (the top-level figures are the first one's).</summary>
    private sealed record EfRun(int Ef, double P50Ms, double P99Ms, double Qps, double RecallAt1, double RecallAt10);

    public static Command Build()
    {
        var faces = new Option<int>("--faces") { DefaultValueFactory = _ => 100_000, Description = "Faces in the synthetic collection" };
        var dim = new Option<int>("--dim") { DefaultValueFactory = _ => 512, Description = "Embedding dimension" };
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200, Description = "Probe searches to time" };
        var kind = new Option<string>("--index") { DefaultValueFactory = _ => "exact", Description = "exact (int8 scan + fp32 re-rank) or hnsw (approximate graph + fp32 re-rank)" };
        kind.AcceptOnlyFromAmong("exact", "hnsw");
        var ef = new Option<string>("--ef") { DefaultValueFactory = _ => "64", Description = "HNSW candidate list size at query time; a comma-separated list sweeps several on one build (e.g. 512,1024,2048)" };
        var m = new Option<int>("--m") { DefaultValueFactory = _ => 16, Description = "HNSW links per node (layer 0 has twice as many)" };
        var efConstruction = new Option<int>("--ef-construction") { DefaultValueFactory = _ => 100, Description = "HNSW candidate list size while building" };
        var export = new Option<string>("--export") { Description = "Also write the vectors (base.f32) and probes (queries.f32) as raw little-endian float32 to this folder, for a side-by-side run of another engine" };
        var snapshot = new Option<string>("--snapshot") { Description = "Also time writing the index to this file and loading it back (the file is deleted afterwards)" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "HNSW only: save the graph to this file every 10 minutes of building and at the end, and resume from it (or skip the build) when it exists" };
        var command = new Command("search", "Vector index benchmark on synthetic clustered unit vectors") { faces, dim, queries, kind, ef, m, efConstruction, export, snapshot, checkpoint, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            int n = parse.GetValue(faces), d = parse.GetValue(dim), q = parse.GetValue(queries);
            if (n is < 100 or > 50_000_000) throw SightlineException.InvalidParameter($"--faces must be between 100 and 50,000,000, got {n}.");
            if (d is < 8 or > 8192) throw SightlineException.InvalidParameter($"--dim must be between 8 and 8192, got {d}.");
            if (q is < 1 or > 1_000_000) throw SightlineException.InvalidParameter($"--queries must be between 1 and 1,000,000, got {q}.");
            var efs = ParseEfList(parse.GetValue(ef)!);
            int links = parse.GetValue(m), efc = parse.GetValue(efConstruction);
            if (links is < 2 or > 128) throw SightlineException.InvalidParameter($"--m must be between 2 and 128, got {links}.");
            if (efc < links || efc > 10_000) throw SightlineException.InvalidParameter($"--ef-construction must be between --m ({links}) and 10000, got {efc}.");
            string? checkpointPath = parse.GetValue(checkpoint);
            if (checkpointPath is { Length: > 0 } && parse.GetValue(kind) != "hnsw")
                throw SightlineException.InvalidParameter("--checkpoint needs --index hnsw.");
            var graphOptions = new HnswOptions { M = links, EfConstruction = efc, EfSearch = efs[0] };
            var result = Run(n, d, q, parse.GetValue(kind)!, efs, graphOptions, parse.GetValue(export), parse.GetValue(snapshot), checkpointPath, ct);
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
            foreach (var run in result.Sweep.Skip(1))
                table.AddRow($"efSearch {run.Ef}: p50 / p99, QPS, recall@1 / @10", $"{run.P50Ms:F2} / {run.P99Ms:F2} ms, {run.Qps:F1}, {run.RecallAt1:F3} / {run.RecallAt10:F3}");
            if (result.SnapshotSaveSeconds > 0)
                table.AddRow("snapshot write / load", $"{result.SnapshotSaveSeconds:F1} / {result.SnapshotLoadSeconds:F1} s");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Above this many faces the benchmark keeps fp16 re-ranking copies (fp32 would not fit with the index in 24 GiB).</summary>
    private const int HalfCopiesAbove = 2_000_000;

    private static List<int> ParseEfList(string text)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) || value is < 1 or > 10_000)
                throw SightlineException.InvalidParameter($"--ef takes numbers between 1 and 10000 separated by commas, got '{text}'.");
            values.Add(value);
        }
        if (values.Count > 16)
            throw SightlineException.InvalidParameter($"--ef takes at most 16 values, got {values.Count}.");
        return values;
    }

    private static Result Run(int n, int dim, int queries, string kind, List<int> efs, HnswOptions graphOptions, string? export, string? snapshot,
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
            var graph = new BenchGraphBuild(data, graphOptions, new CopiesSource(copies, dim), checkpoint);
            (index, build, resumed) = graph.Build(ct);
            // Re-ranking copies are filled after linking, so the build itself needs only codes and links in memory.
            Cli.WithProgress("re-ranking copies", p =>
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
            index = Cli.WithProgress<IPersistentVectorIndex>("building index", p =>
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
        var truth = Cli.WithProgress("exact fp32 ground truth", p => BruteForce(n, data.VectorAt, probes.Take(recallQueries).ToList(), 10, p, ct), linesWhenRedirected: true);
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
        return new Result(
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
            index.Search(probe, 10, -1, ct);
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
            if (!loaded.Search(probes[i], 10, -1, ct).SequenceEqual(expected[i]))
                throw new InvalidOperationException($"The index loaded from {path} answered probe {i} differently.");
        }
        (loaded as IDisposable)?.Dispose();
        File.Delete(path);
        return (save, load);
    }

    /// <summary>Re-ranking vectors for a loaded snapshot: the benchmark's ids are its rows.</summary>
    internal sealed class CopiesSource(IExactVectorStore copies, int dim) : IExactVectorSource
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
