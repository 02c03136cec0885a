using Orleans.Runtime;

namespace Sightline.Cluster;

/// <summary>One node of the cluster as this node sees it.</summary>
public sealed record ClusterMember(string Node, string Address, string Status, bool Self);

/// <summary>What this node knows of the cluster's membership: whether it has joined, and every node's status.</summary>
public sealed class ClusterView(IClusterMembershipService membership, ILocalSiloDetails local)
{
    /// <summary>True once this node is an active member (it may take requests for grains); false while joining or leaving.</summary>
    public bool Joined => membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress) == SiloStatus.Active;

    public string Node => local.Name;

    public IReadOnlyList<ClusterMember> Members =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status != SiloStatus.None)
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new ClusterMember(m.Name, m.SiloAddress.Endpoint.ToString(), m.Status.ToString(), m.SiloAddress.Equals(local.SiloAddress)))];
}
