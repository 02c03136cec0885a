using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Sightline.Live;

namespace Sightline.Cluster;

/// <summary>
/// Makes a server a node of an Orleans cluster: membership through Orleans' ADO.NET clustering on the server's own
/// PostgreSQL database (the schema is the store's migration), the node named as its <c>--node</c>, cameras placed by
/// their grains. Every node serves the whole API, the live event stream included (<see cref="ClusterEventRelay"/>).
/// </summary>
public static class ClusterHosting
{
    /// <summary>The ADO.NET provider name Orleans loads Npgsql by.</summary>
    private const string Invariant = "Npgsql";

    public static IHostApplicationBuilder AddSightlineCluster(this IHostApplicationBuilder builder, ClusterSettings settings, string connectionString, string node, string urls)
    {
        if (settings.Validate() is { } problem)
            throw SightlineException.InvalidParameter(problem);
        var address = settings.Address ?? FirstAddress();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.Id;
                o.ServiceId = "sightline";
            });
            silo.Configure<SiloOptions>(o => o.SiloName = node);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            // No gateway: nothing outside the cluster talks Orleans; clients use the HTTP API of any node.
            silo.ConfigureEndpoints(address, settings.Port, gatewayPort: 0, listenOnAnyHostAddress: false);
            silo.AddPlacementDirector<SpreadPlacement, SpreadPlacementDirector>();
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = settings.ProbeTimeout;
                o.NumMissedProbesLimit = 3;
                o.NumVotesForDeathDeclaration = 2;
            });
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new ClusterNode(node, ClusterNode.Advertised(settings.AdvertiseUrl, urls, address)));
        builder.Services.AddSingleton<CameraLocator>();
        builder.Services.AddSingleton(sp => new Storage.Postgres.PostgresClusterTables(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.Services.AddSingleton<ClusterView>();
        builder.Services.AddSingleton<LocalShards>();
        builder.Services.AddSingleton<ICameraPlacement, GrainCameraPlacement>();
        builder.Services.AddSingleton<Collections.IFaceSearch, ShardedFaceSearch>();
        builder.Services.AddHostedService<AlertTakeover>();
        // Every node's event stream carries every camera's events, relayed through the database's notifications.
        builder.Services.AddSingleton(sp => new Storage.Postgres.PostgresChannel(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), ClusterEventRelay.ChannelName(settings.Id)));
        builder.Services.AddSingleton<ClusterEventRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterEventRelay>());
        return builder;
    }

    /// <summary>This host's first IPv4 address that is up and not loopback; loopback when it has none.</summary>
    private static IPAddress FirstAddress()
    {
        foreach (var nic in System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != System.Net.NetworkInformation.OperationalStatus.Up)
                continue;
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                    return unicast.Address;
            }
        }
        return IPAddress.Loopback;
    }
}
