using Sightline.Hosting;

namespace Sightline.Cluster;

/// <summary>
/// A camera's place in the cluster: the node that hosts its grain runs its worker. Orleans keeps one activation per
/// camera and, when that node dies, activates it again on a survivor at the next node's call.
/// </summary>
public interface ICameraGrain : IGrainWithStringKey
{
    /// <summary>The name of the node that runs the camera.</summary>
    Task<string> NodeAsync();
}

[SpreadPlacement]
internal sealed class CameraGrain(SightlineOptions options) : Grain, ICameraGrain
{
    public Task<string> NodeAsync() => Task.FromResult(options.Node);
}
