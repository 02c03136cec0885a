using Microsoft.Extensions.Logging;

namespace Sightline.Cluster;

/// <summary>Where a camera runs, asked of its grain: the node hosting the grain runs the camera's worker.</summary>
public sealed partial class CameraLocator(IGrainFactory grains, ILogger<CameraLocator> logger)
{
    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The node that runs the camera; null when its grain does not answer in time.</summary>
    public async Task<CameraHost?> FindAsync(string camera, CancellationToken ct)
    {
        try
        {
            return await grains.GetGrain<ICameraGrain>(camera).HostAsync().WaitAsync(s_askTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogUnknown(logger, camera, ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "camera {Camera}: its node could not be learnt for its live view ({Reason})")]
    private static partial void LogUnknown(ILogger logger, string camera, string reason);
}
