using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Sightline.Access;
using Sightline.Benchmarks;
using Sightline.Faces;
using Sightline.Search;
using Sightline.Storage;
using Sightline.Storage.Postgres;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline bench cluster --database PG</c>: one collection of synthetic faces on a PostgreSQL database, searched
/// (SearchFaces, over HTTP, one request at a time) through one server alone and then through a cluster of nodes on
/// loopback with the collection in as many shards; the resident memory of each process; and the time from killing
/// the node of shard 0 (SIGKILL) to the first search that succeeds again through a survivor. All processes share this
/// machine's cores, which a real cluster does not.
/// </summary>
internal static class BenchClusterCommand
{
    private const string Case = "BENCH-CLUSTER";

    public static Command Build()
    {
        var faces = new Option<int>("--faces") { Description = "Synthetic faces in the collection (1,000–10,000,000); a collection of that size left by an earlier run with --keep is reused", DefaultValueFactory = _ => 100_000 };
        var nodes = new Option<int>("--nodes") { Description = "Nodes of the cluster (2–8), and shards of the collection", DefaultValueFactory = _ => 3 };
        var queries = new Option<int>("--queries") { Description = "Searches measured on each side (10–100,000)", DefaultValueFactory = _ => 300 };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Searches each server answers before the measured ones, left out of the figures (0–10,000); each side also makes one pass over the measured searches first, so both find the database's cache alike",
            DefaultValueFactory = _ => 50,
        };
        var keep = new Option<bool>("--keep") { Description = "Keep the collection for the next run (it is deleted otherwise)" };
        var spin = new Option<bool>("--spin-wait")
        {
            Description = "Leave the .NET thread pool's spin-waiting on in every server (off by default here: the servers share this machine's cores, and an idle node's spinning workers take them from the node that is searching)",
        };
        var command = new Command("cluster", "Search latency and memory of a cluster of nodes against one server alone, and failover time (needs a PostgreSQL --database)")
        {
            faces, nodes, queries, warmup, keep, spin, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            int n = parse.GetValue(faces), nodeCount = parse.GetValue(nodes), q = parse.GetValue(queries), w = parse.GetValue(warmup);
            if (n is < 1_000 or > 10_000_000) throw SightlineException.InvalidParameter($"--faces must be between 1000 and 10000000, got {n}.");
            if (nodeCount is < 2 or > 8) throw SightlineException.InvalidParameter($"--nodes must be between 2 and 8, got {nodeCount}.");
            if (q is < 10 or > 100_000) throw SightlineException.InvalidParameter($"--queries must be between 10 and 100000, got {q}.");
            if (w is < 0 or > 10_000) throw SightlineException.InvalidParameter($"--warmup must be between 0 and 10000, got {w}.");
            var given = GlobalOptions.Core(parse);
            if (given.Database is not { } database || !PostgresStorage.Accepts(database))
                throw SightlineException.InvalidParameter("bench cluster needs a PostgreSQL --database (the cluster's nodes share it).");
            string dir = Path.Combine(Path.GetTempPath(), "sightline-bench-cluster-" + Guid.NewGuid().ToString("N"));
            string collection = string.Create(CultureInfo.InvariantCulture, $"bench-cluster-{n}");
            var processes = new List<Process>();
            Directory.CreateDirectory(dir);
            bool finished = false;
            try
            {
                List<string> probes;
                IssuedKey key;
                using (var core = CliCore.Open(BenchServerProcess.Options(parse, dir)))
                {
                    probes = await PopulateAsync(core, collection, n, q, ct);
                    key = await BenchServerProcess.KeyAsync(parse, dir, "analyst", "bench cluster", ct);
                }
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };

                // One server alone: the whole collection in one exact index.
                var environment = parse.GetValue(spin) ? null : s_noSpin;
                var alone = await StartAsync(parse, dir, [], environment, http, processes, ct);
                await SearchAsync(http, alone.Address, key, collection, probes[0], ct); // loads the index
                await MeasureAsync(http, [alone.Address], key, collection, probes, Math.Max(w, q), ct);
                var aloneMs = await MeasureAsync(http, [alone.Address], key, collection, probes, q, ct);
                double aloneRss = ServerLoad.RssMb(alone.Process.Id);
                alone.Process.Kill(entireProcessTree: true);
                await alone.Process.WaitForExitAsync(ct);

                // The cluster (its own name, so no node of an earlier run is waited for): a shard per node.
                string clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
                var members = new List<(Process Process, Uri Address)>();
                for (int i = 0; i < nodeCount; i++)
                {
                    members.Add(await StartAsync(parse, dir, ["--cluster", "--node", $"bench-{i}", "--cluster-id", clusterId, "--cluster-address", "127.0.0.1",
                        "--cluster-port", ServerLoad.FreePort().ToString(CultureInfo.InvariantCulture), "--shards", nodeCount.ToString(CultureInfo.InvariantCulture)], environment, http, processes, ct));
                }
                var loadClock = Stopwatch.StartNew();
                while (await SearchAsync(http, members[0].Address, key, collection, probes[0], ct) != HttpStatusCode.OK) // activates and loads every shard
                    await Task.Delay(500, ct);
                double loadSeconds = loadClock.Elapsed.TotalSeconds;
                await MeasureAsync(http, [.. members.Select(m => m.Address)], key, collection, probes, Math.Max(w * nodeCount, q), ct);
                var clusterMs = await MeasureAsync(http, [.. members.Select(m => m.Address)], key, collection, probes, q, ct);
                var rss = members.Select(m => ServerLoad.RssMb(m.Process.Id)).ToList();

                // Failover: the node of shard 0 dies; a survivor answers again once the shard is loaded elsewhere.
                await using var tables = new PostgresClusterTables(database);
                var shards = (await tables.ReadShardsAsync(clusterId, ct)).Where(s => s.Collection == collection && s.Shards == nodeCount).ToList();
                int victim = shards.FirstOrDefault(s => s.Shard == 0) is { } s0 && s0.Node.StartsWith("bench-", StringComparison.Ordinal)
                    ? int.Parse(s0.Node["bench-".Length..], CultureInfo.InvariantCulture) : 0;
                var failClock = Stopwatch.StartNew();
                members[victim].Process.Kill(entireProcessTree: true);
                var survivor = members[(victim + 1) % nodeCount].Address;
                int refused = 0;
                while (await SearchAsync(http, survivor, key, collection, probes[1], ct) != HttpStatusCode.OK)
                {
                    refused++;
                    await Task.Delay(100, ct);
                    if (failClock.Elapsed > TimeSpan.FromMinutes(5))
                        throw new SightlineException(ErrorKind.Internal, "The cluster did not answer within 5 minutes of losing a node.");
                }
                double failover = failClock.Elapsed.TotalSeconds;

                Report(parse, n, nodeCount, q, w, aloneMs, aloneRss, clusterMs, rss, loadSeconds, failover, refused, parse.GetValue(spin));
                foreach (var m in members.Where(m => !m.Process.HasExited))
                    m.Process.Kill(entireProcessTree: true);
                await tables.DeleteClusterAsync(clusterId, ct);
                finished = true;
                if (!parse.GetValue(keep))
                {
                    using var core = CliCore.Open(BenchServerProcess.Options(parse, dir));
                    await core.Get<Collections.CollectionService>().DeleteCollectionAsync(CollectionHost.LocalEntry("cli bench cluster"), collection, ct);
                }
            }
            finally
            {
                foreach (var p in processes.Where(p => !p.HasExited))
                    p.Kill(entireProcessTree: true);
                if (!finished)
                    Console.Error.WriteLine($"The servers' logs are kept in {dir}.");
                else
                {
                    try
                    {
                        Directory.Delete(dir, recursive: true);
                    }
                    catch (IOException)
                    {
                    }
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>The collection of <paramref name="count"/> synthetic faces (ten views of each identity), and face ids to search for.</summary>
    private static async Task<List<string>> PopulateAsync(CliCore core, string collection, int count, int queries, CancellationToken ct)
    {
        var store = core.Get<ICollectionStore>();
        var engine = core.Get<FaceEngine>();
        var audit = CollectionHost.LocalEntry("cli bench cluster");
        var existing = await store.GetCollectionAsync(collection, withCounts: true, ct);
        if (existing is not null && (existing.FaceCount != count || existing.FaceModelVersion != engine.EmbedderId))
        {
            await store.DeleteCollectionAsync(audit, collection, ct);
            existing = null;
        }
        if (existing is null)
        {
            await store.CreateCollectionAsync(audit, collection, Collections.CollectionService.Arn(collection), engine.EmbedderId, DateTimeOffset.UtcNow, ct);
            var synthetic = new SyntheticEmbeddings(engine.Embedder.Dimension);
            const int Batch = 2_000;
            Cli.WithProgress("Storing synthetic faces", progress =>
            {
                for (int start = 0; start < count; start += Batch)
                {
                    var batch = Enumerable.Range(start, Math.Min(Batch, count - start)).Select(i =>
                    {
                        var embedding = synthetic.Face(synthetic.Identity(i / 10), i / 10, i % 10);
                        return new NewFace(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), null, 0.3f, 0.2f, 0.4f, 0.5f, 99.9f, embedding);
                    }).ToList();
                    store.AddFacesAsync(audit, collection, batch, DateTimeOffset.UtcNow, ct).GetAwaiter().GetResult();
                    progress?.Report((start + batch.Count, count));
                }
                return 0;
            }, linesWhenRedirected: true);
        }
        var rows = await store.ReadRowIdsAsync(collection, FaceShard.All, ct);
        var random = new Random(7);
        var picked = Enumerable.Range(0, queries + 2).Select(_ => rows[random.Next(rows.Count)]).ToList();
        var byRow = (await store.GetFacesByRowIdsAsync(picked, ct)).ToDictionary(f => f.RowId);
        return [.. picked.Select(r => byRow[r].FaceId)];
    }

    /// <summary>Thread-pool workers sleep at once when idle, rather than spin first (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit).</summary>
    private static readonly Dictionary<string, string> s_noSpin = new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" };

    private static async Task<(Process Process, Uri Address)> StartAsync(ParseResult parse, string dir, string[] extra, IReadOnlyDictionary<string, string>? environment,
        HttpClient http, List<Process> processes, CancellationToken ct)
    {
        int port = ServerLoad.FreePort();
        var process = BenchServerProcess.Start(parse, dir, port, [.. extra, "--mqtt", "off"], Path.Combine(dir, $"server-{port}.log"), environment);
        processes.Add(process);
        var address = new Uri($"http://127.0.0.1:{port}/");
        await ServerLoad.WaitReadyAsync(http, address, process, ct);
        return (process, address);
    }

    /// <summary>
    /// <paramref name="count"/> searches one at a time, spread evenly over <paramref name="nodes"/>, for the probes
    /// after the first two in turn; each request's time in ms (failures throw).
    /// </summary>
    private static async Task<List<double>> MeasureAsync(HttpClient http, IReadOnlyList<Uri> nodes, IssuedKey key, string collection, List<string> probes, int count, CancellationToken ct)
    {
        var times = new List<double>(count);
        for (int i = 0; i < count; i++)
        {
            var node = nodes[i % nodes.Count];
            var clock = Stopwatch.StartNew();
            var status = await SearchAsync(http, node, key, collection, probes[2 + i % (probes.Count - 2)], ct);
            if (status != HttpStatusCode.OK)
                throw new SightlineException(ErrorKind.Internal, $"A benchmark search through {node} was answered {(int)status}.");
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static readonly Dictionary<string, string> s_case = new() { ["X-Sightline-Case"] = Case, ["X-Sightline-Purpose"] = "investigation" };

    private static async Task<HttpStatusCode> SearchAsync(HttpClient http, Uri address, IssuedKey key, string collection, string faceId, CancellationToken ct)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["CollectionId"] = collection, ["FaceId"] = faceId, ["MaxFaces"] = 10, ["FaceMatchThreshold"] = 99 });
        return (await ServerLoad.SendAsync(http, address, key, body, ct, "RekognitionService.SearchFaces", s_case)).Status;
    }

    private static void Report(ParseResult parse, int faces, int nodes, int queries, int warmup, List<double> alone, double aloneRss, List<double> cluster, List<double> rss, double load, double failover, int refused, bool spinWait)
    {
        double p50a = Percentile(alone, 0.5), p50c = Percentile(cluster, 0.5), p95a = Percentile(alone, 0.95), p95c = Percentile(cluster, 0.95);
        if (parse.GetValue(GlobalOptions.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                faces, nodes, queries, warmupPerServer = warmup,
                alone = new { p50Ms = p50a, p95Ms = p95a, rssMb = aloneRss },
                cluster = new { p50Ms = p50c, p95Ms = p95c, rssMb = rss, shardLoadSeconds = load },
                p50Ratio = p50c / p50a,
                failoverSeconds = failover,
                refusedDuringFailover = refused,
                spinWait,
            }, new JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        var table = new Table().AddColumns("", "one server", $"cluster of {nodes}", "cluster ÷ one");
        table.AddRow("SearchFaces p50 ms", F(p50a), F(p50c), F(p50c / p50a));
        table.AddRow("SearchFaces p95 ms", F(p95a), F(p95c), F(p95c / p95a));
        table.AddRow("resident MB (each node)", F(aloneRss), string.Join(" / ", rss.Select(F)), F(rss.Average() / aloneRss));
        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{faces:N0} faces in {nodes} shards; {queries} searches measured on each side, after a pass over them and at least {warmup} per server; shards loaded in {load:F1} s; failover (SIGKILL of shard 0's node to the next answered search): {failover:F1} s, {refused} searches refused meanwhile"));
        Console.WriteLine("All processes share this machine's cores: a search's shards run at once only as far as cores allow" +
            (spinWait ? "; thread-pool spin-waiting left on." : "; thread-pool spin-waiting off in every server (--spin-wait leaves it on)."));
    }

    private static string F(double value) => value.ToString(value >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);

    private static double Percentile(List<double> values, double p) => ServerLoad.Percentile([.. values.Order()], p);
}
