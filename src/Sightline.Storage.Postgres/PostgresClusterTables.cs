using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>A node of an Orleans cluster as its membership row last recorded it (the latest start of each node name).</summary>
public sealed record ClusterNodeRow(string Node, string Address, int Generation, string Status, DateTimeOffset StartedAt, DateTimeOffset LastAliveAt);

/// <summary>Where a collection shard was last loaded, with how many faces.</summary>
public sealed record ClusterShardRow(string Collection, int Shard, int Shards, string Node, int Faces, DateTimeOffset LoadedAt);

/// <summary>
/// The cluster tables of migration 20: the membership Orleans keeps (read for 'sightline cluster status') and the
/// shard placements the shard grains record when they load. A node reads them through its store's connection pool; a
/// command that only opens the database makes its own.
/// </summary>
public sealed class PostgresClusterTables : IAsyncDisposable
{
    /// <summary>Orleans' SiloStatus values as stored.</summary>
    private static readonly string[] s_statuses = ["None", "Created", "Joining", "Active", "ShuttingDown", "Stopping", "Dead"];

    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;

    /// <summary>Through the store's pool (not disposed here).</summary>
    public PostgresClusterTables(NpgsqlDataSource source) => _source = source;

    /// <summary>Through a pool of its own (disposed with this).</summary>
    public PostgresClusterTables(string connectionString)
    {
        _source = NpgsqlDataSource.Create(PostgresConnection.Normalise(connectionString));
        _ownsSource = true;
    }

    public async Task<IReadOnlyList<ClusterNodeRow>> ReadNodesAsync(string clusterId, CancellationToken ct)
    {
        await using var cmd = _source.CreateCommand("""
            SELECT DISTINCT ON (silo_name) silo_name, address, port, generation, status, start_time, i_am_alive_time
            FROM cluster_members WHERE deployment_id = @cluster
            ORDER BY silo_name, start_time DESC, generation DESC;
            """);
        cmd.Parameters.AddWithValue("cluster", clusterId);
        var rows = new List<ClusterNodeRow>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                int status = reader.GetInt32(4);
                rows.Add(new ClusterNodeRow(reader.GetString(0), $"{reader.GetString(1)}:{reader.GetInt32(2)}", reader.GetInt32(3),
                    status >= 0 && status < s_statuses.Length ? s_statuses[status] : status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return []; // no node of this build has started on the database yet
        }
        return rows;
    }

    public async Task RecordShardAsync(string clusterId, ClusterShardRow shard, CancellationToken ct)
    {
        await using var cmd = _source.CreateCommand("""
            INSERT INTO cluster_shards (deployment_id, collection_id, shard, shards, node, faces, loaded_at)
            VALUES (@cluster, @collection, @shard, @shards, @node, @faces, @at)
            ON CONFLICT (deployment_id, collection_id, shard, shards) DO UPDATE SET node = excluded.node, faces = excluded.faces, loaded_at = excluded.loaded_at;
            """);
        cmd.Parameters.AddWithValue("cluster", clusterId);
        cmd.Parameters.AddWithValue("collection", shard.Collection);
        cmd.Parameters.AddWithValue("shard", shard.Shard);
        cmd.Parameters.AddWithValue("shards", shard.Shards);
        cmd.Parameters.AddWithValue("node", shard.Node);
        cmd.Parameters.AddWithValue("faces", shard.Faces);
        cmd.Parameters.AddWithValue("at", shard.LoadedAt);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>How many faces a loaded shard holds now (its node and load time stay those recorded at its load).</summary>
    public async Task RecordShardFacesAsync(string clusterId, string collection, FaceShard shard, string node, int faces, CancellationToken ct)
    {
        await using var cmd = _source.CreateCommand("""
            UPDATE cluster_shards SET faces = @faces
            WHERE deployment_id = @cluster AND collection_id = @collection AND shard = @shard AND shards = @shards AND node = @node;
            """);
        cmd.Parameters.AddWithValue("cluster", clusterId);
        cmd.Parameters.AddWithValue("collection", collection);
        cmd.Parameters.AddWithValue("shard", shard.Index);
        cmd.Parameters.AddWithValue("shards", shard.Count);
        cmd.Parameters.AddWithValue("node", node);
        cmd.Parameters.AddWithValue("faces", faces);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Shards of collections that still exist, by collection and shard.</summary>
    public async Task<IReadOnlyList<ClusterShardRow>> ReadShardsAsync(string clusterId, CancellationToken ct)
    {
        await using var cmd = _source.CreateCommand("""
            SELECT s.collection_id, s.shard, s.shards, s.node, s.faces, s.loaded_at FROM cluster_shards s
            JOIN collections c ON c.id = s.collection_id
            WHERE s.deployment_id = @cluster ORDER BY s.collection_id, s.shards, s.shard;
            """);
        cmd.Parameters.AddWithValue("cluster", clusterId);
        var rows = new List<ClusterShardRow>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                rows.Add(new ClusterShardRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }
        return rows;
    }

    /// <summary>Forgets a cluster whose nodes are all gone (a benchmark's): its membership and shard rows.</summary>
    public async Task DeleteClusterAsync(string clusterId, CancellationToken ct)
    {
        await using var cmd = _source.CreateCommand("""
            DELETE FROM cluster_members WHERE deployment_id = @cluster;
            DELETE FROM cluster_membership_version WHERE deployment_id = @cluster;
            DELETE FROM cluster_shards WHERE deployment_id = @cluster;
            """);
        cmd.Parameters.AddWithValue("cluster", clusterId);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
