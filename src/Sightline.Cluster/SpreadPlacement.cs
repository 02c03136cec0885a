using System.Text;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Sightline.Cluster;

/// <summary>
/// Spreads a kind of grain evenly over the nodes: shard <c>i</c> of a collection (key <c>COLLECTION/i/N</c>) goes to
/// the <c>(i + hash(COLLECTION))</c>-th node in address order, so a collection's N shards land on N different nodes
/// when there are that many; any other key (a camera) goes to the node its hash picks. Deterministic, so nodes that
/// start together do not all place on the first one; an activation stays where it is when nodes join (nothing moves
/// under a running camera) and is placed again among the survivors when its node dies.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SpreadPlacement : PlacementStrategy
{
    public static readonly SpreadPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SpreadPlacementAttribute : PlacementAttribute
{
    public SpreadPlacementAttribute()
        : base(SpreadPlacement.Instance)
    {
    }
}

internal sealed class SpreadPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        if (silos.Length == 0)
            throw new OrleansException($"No node can host {target.GrainIdentity}.");
        return Task.FromResult(silos[(int)(Slot(target.GrainIdentity.Key.ToString()) % (uint)silos.Length)]);
    }

    /// <summary>A shard's index offset by its collection's hash; otherwise the key's hash.</summary>
    internal static uint Slot(string key)
    {
        string[] parts = key.Split('/');
        if (parts.Length == 3 && uint.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint index))
            return unchecked(Hash(parts[0]) + index);
        return Hash(key);
    }

    /// <summary>FNV-1a over the UTF-8 bytes: the same on every node and every run (unlike string.GetHashCode).</summary>
    private static uint Hash(string text)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
            hash = unchecked((hash ^ b) * 16777619);
        return hash;
    }
}
