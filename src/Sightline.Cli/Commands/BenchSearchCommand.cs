using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Sightline.Benchmarks;
using Sightline.Search;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline bench search</c>: build time, memory, latency, QPS and recall of the vector index on synthetic embeddings.</summary>
internal static class BenchSearchCommand
{
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
            var result = SearchBenchmark.Run(CliProgress.Instance, n, d, q, parse.GetValue(kind)!, efs, graphOptions, parse.GetValue(export), parse.GetValue(snapshot), checkpointPath, ct);
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
}
