using System.Net;
using Sightline.Hosting;

namespace Sightline.Cluster;

/// <summary>
/// How a server joins an Orleans cluster of Sightline nodes ('serve --cluster'). Every node uses the same PostgreSQL
/// database for its data and for cluster membership; <see cref="Id"/> separates clusters sharing one database.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The cluster's name: nodes with the same name on the same database form one cluster.</summary>
    public string Id { get; init; } = "sightline";

    /// <summary>The TCP port nodes talk to each other on.</summary>
    public int Port { get; init; } = 11111;

    /// <summary>The address other nodes reach this one at; null for this host's first non-loopback IPv4 address.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>
    /// The HTTP base URL other nodes reach this one's API at (a camera's live view is forwarded there); null for the
    /// first http:// listen URL, its wildcard host replaced by <see cref="Address"/>.
    /// </summary>
    public Uri? AdvertiseUrl { get; init; }

    /// <summary>
    /// Shards each collection's faces are split into (the same on every node): each shard grain holds its part of the
    /// index in memory on whichever node Orleans activates it, so a node holds about 1/N of the vectors.
    /// </summary>
    public int Shards { get; init; } = 3;

    /// <summary>
    /// How long a node waits for another's answer to a liveness probe; three missed probes and a second node's vote
    /// declare it dead, after which its cameras and shards move to the survivors.
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Null when the settings are usable; otherwise what is wrong, naming the option.</summary>
    public string? Validate()
    {
        if (!NodeNames.Valid().IsMatch(Id))
            return $"--cluster-id must be 1–64 letters, digits, '.', '_' or '-', got '{Id}'.";
        if (Port is < 1 or > 65535)
            return $"--cluster-port must be between 1 and 65535, got {Port}.";
        if (Shards is < 1 or > 256)
            return $"--shards must be between 1 and 256, got {Shards}.";
        if (Address is not null && (IPAddress.Any.Equals(Address) || IPAddress.IPv6Any.Equals(Address)))
            return "--cluster-address must be an address other nodes can reach, not 0.0.0.0 or ::.";
        if (AdvertiseUrl is not null && (!AdvertiseUrl.IsAbsoluteUri || AdvertiseUrl.Scheme is not ("http" or "https")))
            return $"--advertise-url must be an absolute http:// or https:// URL, got '{AdvertiseUrl.OriginalString}'.";
        return null;
    }
}
