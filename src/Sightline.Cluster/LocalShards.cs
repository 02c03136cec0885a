using System.Collections.Concurrent;

namespace Sightline.Cluster;

/// <summary>A collection shard active on this node and the faces its index holds (null while it loads).</summary>
public readonly record struct LocalShard(string Collection, int Shard, int? Faces);

/// <summary>The collection shards active on this node (its shard grains register here), for <c>/metrics</c>.</summary>
public sealed class LocalShards
{
    private readonly ConcurrentDictionary<string, (string Collection, int Shard, Func<int?> Faces)> _shards = new(StringComparer.Ordinal);

    internal void Add(string key, string collection, int shard, Func<int?> faces) => _shards[key] = (collection, shard, faces);

    internal void Remove(string key) => _shards.TryRemove(key, out _);

    public IReadOnlyList<LocalShard> List() => [.. _shards.Values.Select(s => new LocalShard(s.Collection, s.Shard, s.Faces()))];
}
