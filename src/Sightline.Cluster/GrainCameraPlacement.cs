using Microsoft.Extensions.Logging;
using Sightline.Hosting;
using Sightline.Live;

namespace Sightline.Cluster;

/// <summary>
/// A node runs the cameras whose grains it hosts. Each node asks every enabled camera's grain at each camera sync
/// (every 2 s), which also keeps the grains active; a grain that cannot be reached (its node has just died and is not
/// yet declared dead) leaves the camera as it is until the next sync.
/// </summary>
internal sealed partial class GrainCameraPlacement(IGrainFactory grains, SightlineOptions options, ILogger<GrainCameraPlacement> logger) : ICameraPlacement
{
    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlySet<string>> PlaceAsync(IReadOnlyList<string> cameras, IReadOnlySet<string> running, CancellationToken ct)
    {
        var answers = await Task.WhenAll(cameras.Select(camera => AskAsync(camera, ct))).ConfigureAwait(false);
        var mine = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (camera, node) in answers)
        {
            if (node is null ? running.Contains(camera) : node == options.Node)
                mine.Add(camera);
        }
        return mine;
    }

    private async Task<(string Camera, string? Node)> AskAsync(string camera, CancellationToken ct)
    {
        try
        {
            return (camera, await grains.GetGrain<ICameraGrain>(camera).NodeAsync().WaitAsync(s_askTimeout, ct).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogUnplaced(logger, camera, ex.Message);
            return (camera, null);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "camera {Camera}: its node could not be learnt now ({Reason}); left as it is")]
    private static partial void LogUnplaced(ILogger logger, string camera, string reason);
}
