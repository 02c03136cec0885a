using Sightline.Hosting;

namespace Sightline.Cluster;

/// <summary>The node that runs a camera: its name and the HTTP base URL other nodes forward its live view to (null when it has none).</summary>
[GenerateSerializer, Immutable]
public sealed record CameraHost([property: Id(0)] string Node, [property: Id(1)] string? Url);

/// <summary>
/// A camera's place in the cluster: the node that hosts its grain runs its worker. Orleans keeps one activation per
/// camera and, when that node dies, activates it again on a survivor at the next node's call.
/// </summary>
public interface ICameraGrain : IGrainWithStringKey
{
    /// <summary>The name of the node that runs the camera.</summary>
    Task<string> NodeAsync();

    /// <summary>The node that runs the camera and where its HTTP API is reached.</summary>
    Task<CameraHost> HostAsync();
}

[SpreadPlacement]
internal sealed class CameraGrain(SightlineOptions options, ClusterNode self) : Grain, ICameraGrain
{
    public Task<string> NodeAsync() => Task.FromResult(options.Node);

    public Task<CameraHost> HostAsync() => Task.FromResult(new CameraHost(options.Node, self.Url?.ToString()));
}
