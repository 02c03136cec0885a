using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sightline.Benchmarks.Live;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// Three servers on loopback join one Orleans cluster on one PostgreSQL database ('serve --cluster'): faces indexed
/// through one node are found through another from the collection's shards; cameras are spread over the nodes; a
/// node killed with SIGKILL while it indexes and while its cameras stream loses no acknowledged face and no audit
/// record, and its cameras stream again on the survivors.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // starts its own PostgreSQL server whichever database the suite runs on: run once
public sealed class ClusterTests : IDisposable
{
    private readonly PostgresServer _postgres = new();

    public void Dispose() => _postgres.Dispose();

    [Fact]
    public async Task Three_nodes_share_collections_and_cameras_and_a_killed_node_loses_nothing_and_its_cameras_move()
    {
        string database = _postgres.CreateDatabase("cluster");
        string[] Node(string name) => ["--node", name, "--cluster", "--cluster-address", "127.0.0.1", "--cluster-port", ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var a = await ServerProcess.StartOnAsync(database, Node("node-a"));
        var nodes = new Dictionary<string, ServerProcess> { ["node-a"] = a };
        var sources = new List<LoopbackStream>();
        try
        {
            nodes["node-b"] = await a.StartPeerAsync([.. Node("node-b"), "--database", database]);
            nodes["node-c"] = await a.StartPeerAsync([.. Node("node-c"), "--database", database]);
            var status = await UntilStatusAsync(a, s => Active(s).Count == 3, TimeSpan.FromSeconds(60));
            Assert.Equal(["node-a", "node-b", "node-c"], Active(status));
            string metrics = await nodes["node-b"].Http.GetStringAsync(new Uri(nodes["node-b"].Address, "metrics"));
            Assert.Contains("sightline_cluster_nodes{status=\"Active\"} 3", metrics, StringComparison.Ordinal);
            Assert.Contains("sightline_cluster_joined 1", metrics, StringComparison.Ordinal);

            // Faces indexed through node A (sample1 holds three) are found through node C, from all three shards.
            Assert.Equal(HttpStatusCode.OK, (await a.CallAwsAsync("CreateCollection", new { CollectionId = "booking" })).Status);
            var indexed = new List<string>();
            for (int i = 0; i < 4; i++)
                indexed.AddRange(await IndexAsync(a, $"before-{i}"));
            Assert.Equal(12, indexed.Count);
            var c = nodes["node-c"];
            Assert.Equal(4, await MatchesAsync(c)); // the largest face of each of the four copies
            var shards = (await UntilStatusAsync(a, s => s.GetProperty("shards").EnumerateArray().Sum(x => x.GetProperty("faces").GetInt32()) == 12, TimeSpan.FromSeconds(20)))
                .GetProperty("shards").EnumerateArray().ToList();
            Assert.Equal(3, shards.Count);
            Assert.Equal(12, shards.Sum(s => s.GetProperty("faces").GetInt32()));
            Assert.All(shards, s => Assert.Equal(4, s.GetProperty("faces").GetInt32()));
            // Each node's metrics show the shard it holds: one each, four faces each.
            foreach (var node in nodes.Values)
            {
                string held = await node.Http.GetStringAsync(new Uri(node.Address, "metrics"));
                var series = held.Split('\n').Where(l => l.StartsWith("sightline_cluster_shard_faces{collection=\"booking\"", StringComparison.Ordinal)).ToList();
                Assert.True(series.Count == 1 && series[0].EndsWith(" 4", StringComparison.Ordinal), string.Join('\n', series));
            }
            // Once the shards are loaded, faces indexed through node B are found through node C at once: the node that
            // writes has the shards holding its faces apply them before it answers. (A search just before sets every
            // shard's own poll of the change log a second off, so it would not bring them in time.)
            Assert.Equal(4, await MatchesAsync(c));
            indexed.AddRange(await IndexAsync(nodes["node-b"], "after-load"));
            Assert.Equal(5, await MatchesAsync(c));

            // Three cameras (MJPEG over HTTP on loopback, each its own source) are spread over the nodes, each run by exactly one.
            string scene = await LiveCameraTests.SceneAsync();
            foreach (string camera in new[] { "gate", "yard", "lobby" })
            {
                var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
                sources.Add(source);
                Assert.Equal(0, SightlineCli.Run("--database", database, "--data", a.Data.Path, "cameras", "add", camera, "--url", source.Url, "--detect", "person").ExitCode);
            }
            var placed = await UntilCamerasAsync(a, cams => cams.Values.All(v => v.State == "streaming"), TimeSpan.FromSeconds(60));
            foreach (var (camera, (_, node)) in placed)
                Assert.Equal(1, CameraWorkers(nodes[node!], camera));
            string victimName = placed.Values.GroupBy(v => v.Node!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            var victim = nodes[victimName];
            var survivor = nodes.First(n => n.Key != victimName).Value;
            var moved = placed.Where(p => p.Value.Node == victimName).Select(p => p.Key).ToList();

            // An alert the victim has queued and not yet delivered (its rule watches no camera here, so nothing else fires).
            using var receiver = new WebhookReceiver();
            var rule = SightlineCli.Run("--database", database, "--data", a.Data.Path, "alerts", "rules", "add", "--label", "person", "--min-confidence", "99",
                "--webhook", receiver.Url, "--camera", "elsewhere", "--json");
            Assert.True(rule.ExitCode == 0, rule.ToString());
            QueueAlert(database, rule.Json().GetProperty("id").GetString()!, victimName);

            // The victim indexes while it is killed: every face it acknowledged is kept.
            var acknowledged = new List<string>();
            Exception? ended = null;
            int ackedCalls = 0;
            using var stop = new CancellationTokenSource();
            var indexing = Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        acknowledged.AddRange(await IndexAsync(victim, $"during-{i}"));
                        Interlocked.Increment(ref ackedCalls);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
                    {
                        ended = ex;
                        return; // the node is gone mid-request: not acknowledged
                    }
                }
            });
            // Killed once it has acknowledged some faces (the first request may be slow on a busy machine), mid-stream.
            for (var waiting = Stopwatch.StartNew(); Volatile.Read(ref ackedCalls) < 2 && !indexing.IsCompleted && waiting.Elapsed < TimeSpan.FromSeconds(90);)
                await Task.Delay(100);
            var killedAt = Stopwatch.StartNew();
            victim.Kill();
            await stop.CancelAsync();
            await indexing;
            Assert.True(acknowledged.Count > 0, $"the node acknowledged nothing before it was killed: {ended}");

            // Its cameras stream again on the survivors within 30 s.
            var after = await UntilCamerasAsync(survivor, cams => moved.All(m => cams[m].Node != victimName && cams[m].State == "streaming"), TimeSpan.FromSeconds(30));
            var failover = killedAt.Elapsed;
            Assert.True(failover < TimeSpan.FromSeconds(30), $"the cameras moved after {failover.TotalSeconds:0.0} s");
            foreach (string camera in moved)
                Assert.Equal(1, CameraWorkers(nodes[after[camera].Node!], camera));
            var gone = await UntilStatusAsync(survivor, s => Status(s, victimName) == "Dead", TimeSpan.FromSeconds(30));
            Assert.Equal(2, Active(gone).Count);

            // One survivor takes the dead node's queued alert over and delivers it, once.
            Assert.True(await receiver.WaitForAsync(r => !r.Received.IsEmpty, TimeSpan.FromSeconds(30)), "the dead node's queued alert was not delivered");
            await Task.Delay(TimeSpan.FromSeconds(6)); // another pass of every survivor's takeover
            Assert.Single(receiver.Received);
            Assert.Contains("alert-left-queued", System.Text.Encoding.UTF8.GetString(receiver.Received.Single().Body), StringComparison.Ordinal);
            var alert = SightlineCli.Run("--database", database, "--data", a.Data.Path, "alerts", "list", "--json").Json().EnumerateArray().Single();
            Assert.Equal("delivered", alert.GetProperty("status").GetString());
            Assert.NotEqual(victimName, alert.GetProperty("node").GetString());

            // No acknowledged face is lost, every one is found through a survivor, and the audit chain verifies.
            var listed = await ListFacesAsync(survivor);
            Assert.Empty(indexed.Concat(acknowledged).Except(listed));
            int copies = listed.Count / 3;
            Assert.Equal(copies, await MatchesAsync(survivor));
            var verify = SightlineCli.Run("--database", database, "--data", a.Data.Path, "audit", "verify");
            Assert.True(verify.ExitCode == 0, verify.ToString());
            var audit = SightlineCli.Run("--database", database, "--data", a.Data.Path, "audit", "list", "--json", "--limit", "1000").Json().EnumerateArray()
                .Count(r => r.GetProperty("operation").GetString() == "IndexFaces" && r.GetProperty("outcome").GetString() == "ok");
            Assert.True(audit >= 4 + acknowledged.Count / 3, $"{audit} IndexFaces records for {4 + acknowledged.Count / 3} acknowledged calls");
        }
        finally
        {
            // Every process is stopped even when one stop fails: the sources, the peers, then the first node, which
            // owns the shared data directory and deletes it.
            var stops = new List<Func<ValueTask>>();
            stops.AddRange(sources.Select(source => (Func<ValueTask>)source.DisposeAsync));
            stops.AddRange(nodes.Values.Where(n => n != a).Select(node => (Func<ValueTask>)node.DisposeAsync));
            stops.Add(a.DisposeAsync);
            await ServerProcess.StopAllAsync(stops);
        }
    }

    [Fact]
    public async Task A_rolling_restart_of_every_node_refuses_no_search()
    {
        // A load balancer that routes on /readyz drains a node before it is stopped; the test does the same: each node
        // in turn is taken out of the rotation, stopped with SIGTERM, started again, and put back once ready. Searches
        // run all along through the nodes in the rotation; each must be answered in full (no 429, no 5xx, every match).
        string database = _postgres.CreateDatabase("rolling");
        string[] Node(string name) => ["--node", name, "--cluster", "--cluster-address", "127.0.0.1", "--cluster-port", ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var a = await ServerProcess.StartOnAsync(database, Node("node-a"));
        var nodes = new Dictionary<string, ServerProcess> { ["node-a"] = a };
        try
        {
            nodes["node-b"] = await a.StartPeerAsync([.. Node("node-b"), "--database", database]);
            nodes["node-c"] = await a.StartPeerAsync([.. Node("node-c"), "--database", database]);
            await UntilStatusAsync(a, s => Active(s).Count == 3, TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.OK, (await a.CallAwsAsync("CreateCollection", new { CollectionId = "booking" })).Status);
            for (int i = 0; i < 2; i++)
                await IndexAsync(a, $"copy-{i}");
            Assert.Equal(2, await MatchesAsync(nodes["node-b"]));

            var rotation = new List<ServerProcess>(nodes.Values);
            var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
            int searches = 0;
            using var stop = new CancellationTokenSource();
            var load = Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    ServerProcess node;
                    lock (rotation)
                        node = rotation[i % rotation.Count];
                    try
                    {
                        var (status, body) = await node.CallAwsAsync("SearchFacesByImage", new { CollectionId = "booking", Image = new { Bytes = File.ReadAllBytes(SightlineCli.Fixture("sample1")) }, FaceMatchThreshold = 99, MaxFaces = 4096 });
                        if (status != HttpStatusCode.OK || body.GetProperty("FaceMatches").GetArrayLength() != 2)
                            failures.Enqueue($"{(int)status} {body}");
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        failures.Enqueue(ex.Message);
                    }
                    Interlocked.Increment(ref searches);
                }
            });
            foreach (string name in new[] { "node-a", "node-b", "node-c" })
            {
                lock (rotation)
                    rotation.Remove(nodes[name]);
                await Task.Delay(500); // the searches already sent to it finish
                var restarted = await nodes[name].StopAndRestartAsync(); // returns once its /readyz answers
                nodes[name] = restarted;
                if (name == "node-a")
                    a = restarted;
                lock (rotation)
                    rotation.Add(restarted);
                await Task.Delay(2_000);
            }
            await stop.CancelAsync();
            await load;
            Assert.True(failures.IsEmpty, $"{failures.Count} of {searches} searches failed: {string.Join(" | ", failures.Take(5))}");
            Assert.True(searches >= 20, $"only {searches} searches ran");
            Assert.Equal(["node-a", "node-b", "node-c"], Active(await UntilStatusAsync(a, s => Active(s).Count == 3, TimeSpan.FromSeconds(30))));
        }
        finally
        {
            foreach (var node in nodes.Values.Where(n => n != a))
                await node.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    [Fact]
    public void The_cluster_benchmark_compares_a_cluster_with_one_server_and_measures_failover()
    {
        string database = _postgres.CreateDatabase("bench");
        using var secrets = new TempDir();
        Assert.Equal(0, SightlineCli.Run("--secrets", secrets.Path, "secrets", "init").ExitCode);
        var run = SightlineCli.RunWithin(TimeSpan.FromMinutes(8), "--database", database, "--secrets", secrets.Path, "bench", "cluster", "--faces", "2000", "--nodes", "2", "--queries", "20", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var report = run.Json();
        Assert.Equal(2000, report.GetProperty("faces").GetInt32());
        foreach (string side in new[] { "alone", "cluster" })
            Assert.InRange(report.GetProperty(side).GetProperty("p50Ms").GetDouble(), 0.1, 5_000);
        Assert.Equal(2, report.GetProperty("cluster").GetProperty("rssMb").GetArrayLength());
        Assert.InRange(report.GetProperty("failoverSeconds").GetDouble(), 0.01, 300);
        // The collection is deleted after the run unless --keep.
        var listed = SightlineCli.Run("--database", database, "--secrets", secrets.Path, "--data", secrets.Path, "collections", "list", "--json");
        Assert.Empty(listed.Json().GetProperty("CollectionIds").EnumerateArray());
    }

    /// <summary>An alert as the node that raised it leaves it in the database while it waits for delivery.</summary>
    private static void QueueAlert(string database, string ruleId, string node)
    {
        using var connection = new Npgsql.NpgsqlConnection(database);
        connection.Open();
        using var cmd = new Npgsql.NpgsqlCommand("""
            INSERT INTO alerts (id, rule_id, label, confidence, box_left, box_top, box_width, box_height, source, image_ref, created_at, status, attempts, channel, zones, node)
            VALUES ('alert-left-queued', @rule, 'person', 99.5, 0.1, 0.1, 0.2, 0.5, 'camera:elsewhere', NULL, @at, 'queued', 0, 'webhook', '[]', @node);
            """, connection);
        cmd.Parameters.AddWithValue("rule", ruleId);
        cmd.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("node", node);
        cmd.ExecuteNonQuery();
    }

    private static async Task<List<string>> IndexAsync(ServerProcess node, string externalId)
    {
        var (status, body) = await node.CallAwsAsync("IndexFaces", new { CollectionId = "booking", ExternalImageId = externalId, Image = new { Bytes = File.ReadAllBytes(SightlineCli.Fixture("sample1")) } });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return [.. body.GetProperty("FaceRecords").EnumerateArray().Select(r => r.GetProperty("Face").GetProperty("FaceId").GetString()!)];
    }

    private static async Task<int> MatchesAsync(ServerProcess node)
    {
        var (status, body) = await node.CallAwsAsync("SearchFacesByImage", new { CollectionId = "booking", Image = new { Bytes = File.ReadAllBytes(SightlineCli.Fixture("sample1")) }, FaceMatchThreshold = 99, MaxFaces = 4096 });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("FaceMatches").GetArrayLength();
    }

    private static async Task<List<string>> ListFacesAsync(ServerProcess node)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var (status, body) = await node.CallAwsAsync("ListFaces", token is null ? new { CollectionId = "booking", MaxResults = 4096 } : (object)new { CollectionId = "booking", MaxResults = 4096, NextToken = token });
            Assert.Equal(HttpStatusCode.OK, status);
            ids.AddRange(body.GetProperty("Faces").EnumerateArray().Select(f => f.GetProperty("FaceId").GetString()!));
            token = body.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);
        return ids;
    }

    private static JsonElement ClusterStatus(ServerProcess node)
    {
        var result = SightlineCli.Run("--database", node.Database!, "--data", node.Data.Path, "cluster", "status", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json();
    }

    private static List<string> Active(JsonElement status) =>
        [.. status.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("status").GetString() == "Active").Select(n => n.GetProperty("node").GetString()!).Order(StringComparer.Ordinal)];

    private static string? Status(JsonElement status, string node) =>
        status.GetProperty("nodes").EnumerateArray().FirstOrDefault(n => n.GetProperty("node").GetString() == node) is { ValueKind: JsonValueKind.Object } n ? n.GetProperty("status").GetString() : null;

    private static async Task<JsonElement> UntilStatusAsync(ServerProcess node, Func<JsonElement, bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        JsonElement status;
        do
        {
            status = ClusterStatus(node);
            if (done(status))
                return status;
            await Task.Delay(500);
        }
        while (clock.Elapsed < limit);
        throw new Xunit.Sdk.XunitException($"the cluster did not get there within {limit}: {status}");
    }

    internal static async Task<Dictionary<string, (string State, string? Node)>> UntilCamerasAsync(ServerProcess node, Func<Dictionary<string, (string State, string? Node)>, bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, (string State, string? Node)> cameras;
        do
        {
            var reply = await node.SendAsync(HttpMethod.Get, "v1/cameras", "operator");
            Assert.True(reply.Status == HttpStatusCode.OK, reply.Text);
            cameras = reply.Body.GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!,
                c => (c.GetProperty("state").GetString()!, c.TryGetProperty("node", out var n) ? n.GetString() : null));
            if (done(cameras))
                return cameras;
            await Task.Delay(250);
        }
        while (clock.Elapsed < limit);
        throw new Xunit.Sdk.XunitException($"the cameras did not get there within {limit}: {string.Join(", ", cameras.Select(c => $"{c.Key} {c.Value.State} on {c.Value.Node}"))}");
    }

    /// <summary>How many workers of <paramref name="camera"/> the node reports in its metrics (1: it runs it; 0: it does not).</summary>
    private static int CameraWorkers(ServerProcess node, string camera)
    {
        string metrics = node.Http.GetStringAsync(new Uri(node.Address, "metrics")).GetAwaiter().GetResult();
        return metrics.Contains($"sightline_camera_streaming{{camera=\"{camera}\"}}", StringComparison.Ordinal) ? 1 : 0;
    }
}
