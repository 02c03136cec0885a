using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Storage;
using Sightline.Storage.Postgres;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline cluster status</c>: the nodes of a cluster on the --database and the cameras each runs.</summary>
internal static class ClusterCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static readonly Option<string> ClusterId = new("--cluster-id") { Description = "The cluster's name: nodes with the same name on the same database form one cluster", DefaultValueFactory = _ => "sightline" };

    public static Command Build()
    {
        var command = new Command("cluster", "The Orleans cluster of servers started with 'serve --cluster' on one PostgreSQL database");
        var status = new Command("status", "List the cluster's nodes (latest start of each name) and the cameras each runs") { ClusterId, GlobalOptions.Json };
        status.SetGuardedAction(async (parse, ct) =>
        {
            var options = GlobalOptions.Core(parse);
            if (options.Database is not { } database || !PostgresStorage.Accepts(database))
                throw SightlineException.InvalidParameter("cluster status needs the cluster's PostgreSQL --database (or $SIGHTLINE_DATABASE).");
            string id = parse.GetValue(ClusterId)!;
            if (new Cluster.ClusterSettings { Id = id }.Validate() is { } wrong)
                throw SightlineException.InvalidParameter(wrong);
            using var core = CliCore.Open(options);
            var cameras = await core.Get<ICameraStore>().ListCameraStatusAsync(ct);
            await using var tables = new PostgresClusterTables(database);
            var nodes = await tables.ReadNodesAsync(id, ct);
            var shards = await tables.ReadShardsAsync(id, ct);
            var rows = nodes.Select(n => new
            {
                node = n.Node,
                address = n.Address,
                status = n.Status,
                startedAt = n.StartedAt,
                lastAliveAt = n.LastAliveAt,
                cameras = n.Status == "Active" ? cameras.Where(c => c.Node == n.Node && c.State != CameraStates.Idle).Select(c => c.Camera).Order(StringComparer.Ordinal).ToList() : [],
                shards = n.Status == "Active" ? shards.Where(s => s.Node == n.Node).Select(s => $"{s.Collection}/{s.Shard}").ToList() : [],
            }).ToList();
            var shardRows = shards.Select(s => new { collection = s.Collection, shard = s.Shard, of = s.Shards, node = s.Node, faces = s.Faces, loadedAt = s.LoadedAt }).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { cluster = id, nodes = rows, shards = shardRows }, s_json));
                return 0;
            }
            if (rows.Count == 0)
                Console.WriteLine($"cluster {id}: no node has joined on this database");
            foreach (var r in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.node,-20} {r.status,-12} {r.address,-22} started {r.startedAt:u}  alive {r.lastAliveAt:u}  cameras {(r.cameras.Count == 0 ? "-" : string.Join(',', r.cameras))}"));
            }
            foreach (var s in shardRows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shard {s.collection}/{s.shard} of {s.of}: {s.faces} faces on {s.node} (loaded {s.loadedAt:u})"));
            return 0;
        });
        command.Subcommands.Add(status);
        return command;
    }
}
