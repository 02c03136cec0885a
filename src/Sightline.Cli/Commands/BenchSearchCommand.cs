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
        double ManagedMegabytes, double P50Ms, double P99Ms, double Qps, double RecallAt1, double RecallAt10, int RecallQueries);

    public static Command Build()
    {
        var faces = new Option<int>("--faces") { DefaultValueFactory = _ => 100_000, Description = "Faces in the synthetic collection" };
        var dim = new Option<int>("--dim") { DefaultValueFactory = _ => 512, Description = "Embedding dimension" };
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200, Description = "Probe searches to time" };
        var kind = new Option<string>("--index") { DefaultValueFactory = _ => "exact", Description = "exact (int8 scan + fp32 re-rank) or hnsw (approximate graph + fp32 re-rank)" };
        kind.AcceptOnlyFromAmong("exact", "hnsw");
        var ef = new Option<int>("--ef") { DefaultValueFactory = _ => 64, Description = "HNSW candidate list size at query time" };
        var export = new Option<string>("--export") { Description = "Also write the vectors (base.f32) and probes (queries.f32) as raw little-endian float32 to this folder, for a side-by-side run of another engine" };
        var command = new Command("search", "Vector index benchmark on synthetic clustered unit vectors") { faces, dim, queries, kind, ef, export, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            int n = parse.GetValue(faces), d = parse.GetValue(dim), q = parse.GetValue(queries);
            if (n is < 100 or > 50_000_000) throw SightlineException.InvalidParameter($"--faces must be between 100 and 50,000,000, got {n}.");
            if (d is < 8 or > 8192) throw SightlineException.InvalidParameter($"--dim must be between 8 and 8192, got {d}.");
            if (q is < 1 or > 1_000_000) throw SightlineException.InvalidParameter($"--queries must be between 1 and 1,000,000, got {q}.");
            int efSearch = parse.GetValue(ef);
            if (efSearch is < 1 or > 10_000) throw SightlineException.InvalidParameter($"--ef must be between 1 and 10000, got {efSearch}.");
            var result = Run(n, d, q, parse.GetValue(kind)!, efSearch, parse.GetValue(export), ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
                return 0;
            }
            var table = new Table().AddColumns("measure", "value");
            table.AddRow("index", Markup.Escape(result.Index));
            table.AddRow("data", Markup.Escape(result.Data));
            table.AddRow("faces × dim", $"{result.Faces:N0} × {result.Dimension}");
            table.AddRow("build (index only)", $"{result.BuildSeconds:F2} s");
            table.AddRow("int8 tier bytes per face", $"{result.CodeBytesPerFace:F0}");
            table.AddRow("managed heap (incl. fp32 rescoring copies)", $"{result.ManagedMegabytes:N0} MB");
            table.AddRow("single query p50 / p99", $"{result.P50Ms:F2} / {result.P99Ms:F2} ms");
            table.AddRow("QPS (one query at a time, all cores each)", $"{result.Qps:F1}");
            table.AddRow($"recall@1 / @10 vs fp32 brute force ({result.RecallQueries} queries)", $"{result.RecallAt1:F3} / {result.RecallAt10:F3}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Result Run(int n, int dim, int queries, string kind, int ef, string? export, CancellationToken ct)
    {
        var gen = new SyntheticEmbeddings(dim);
        int identities = Math.Max(1, n / FacesPerIdentity);
        var vectors = new float[n][];
        Cli.WithProgress("generating embeddings", p =>
        {
            int done = 0;
            Parallel.For(0, identities, new ParallelOptions { CancellationToken = ct }, id =>
            {
                var centre = gen.Identity(id);
                for (int v = 0; v < FacesPerIdentity && id * FacesPerIdentity + v < n; v++)
                    vectors[id * FacesPerIdentity + v] = gen.Face(centre, id, v);
                if (Interlocked.Increment(ref done) % 4096 == 0) p?.Report((done, identities));
            });
            for (int i = identities * FacesPerIdentity; i < n; i++)
                vectors[i] = gen.Face(gen.Identity(identities - 1), identities - 1, i);
            return 0;
        });
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var sw = Stopwatch.StartNew();
        IVectorIndex index = kind == "hnsw" ? new HnswIndex(dim, new HnswOptions { EfSearch = ef }) : new FlatInt8Index(dim);
        Cli.WithProgress("building index", p =>
        {
            for (int i = 0; i < n; i++)
            {
                index.Add(i, vectors[i]);
                if (i % 8192 == 0) p?.Report((i, n));
            }
            return 0;
        });
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
            Write(Path.Combine(export, "base.f32"), vectors);
            Write(Path.Combine(export, "queries.f32"), probes);
        }
        index.Search(probes[0], 10, -1, ct);
        var times = new List<double>(queries);
        var results = new List<IReadOnlyList<SearchHit>>(queries);
        var all = Stopwatch.StartNew();
        foreach (var probe in probes)
        {
            long t = Stopwatch.GetTimestamp();
            results.Add(index.Search(probe, 10, -1, ct));
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        double qps = queries / all.Elapsed.TotalSeconds;
        times.Sort();

        int recallQueries = Math.Min(queries, 500);
        double r1 = 0, r10 = 0;
        for (int i = 0; i < recallQueries; i++)
        {
            var exact = BruteForce(vectors, probes[i], 10);
            var got = results[i].Select(h => h.Id).ToHashSet();
            r1 += results[i].Count > 0 && results[i][0].Id == exact[0] ? 1 : 0;
            r10 += exact.Count(got.Contains) / 10.0;
        }
        (index as IDisposable)?.Dispose();
        return new Result(
            kind == "hnsw" ? $"hnsw (M 16, efConstruction 100, efSearch {ef})" : "exact int8",
            $"synthetic: {identities:N0} identities × {FacesPerIdentity} faces, centres in a 100-d subspace, faces at cosine 0.5–0.85",
            n, dim, queries, build, kind == "hnsw" ? dim + 4 + 8 + 1 + 33 * 4 : dim + 4 + 8 + 1, managed,
            times[times.Count / 2], times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))], qps,
            r1 / recallQueries, r10 / recallQueries, recallQueries);
    }

    private static void Write(string path, IEnumerable<float[]> rows)
    {
        using var file = File.Create(path);
        foreach (var row in rows)
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
    }

    private static long[] BruteForce(float[][] vectors, float[] query, int k)
    {
        var scores = new float[vectors.Length];
        Parallel.For(0, vectors.Length, i => scores[i] = TensorPrimitives.Dot(vectors[i], query));
        return [.. Enumerable.Range(0, vectors.Length).OrderByDescending(i => scores[i]).Take(k).Select(i => (long)i)];
    }
}
