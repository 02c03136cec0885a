using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Sightline.Cluster;

/// <summary>
/// Where a camera runs, asked of its grain: the node hosting the grain runs the camera's worker. An answer is kept for
/// <see cref="Fresh"/>, so a live view polled frame by frame asks the grain about once in that time, not per frame; a
/// forward that fails forgets it (<see cref="Forget"/>), so the next request asks again.
/// </summary>
public sealed partial class CameraLocator(IGrainFactory grains, ILogger<CameraLocator> logger)
{
    /// <summary>How long a camera's location is trusted without asking: well under the 3–5 s a camera takes to move.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(5);

    // One entry per camera asked about (bounded by the cameras the cluster has), overwritten in place.
    private readonly ConcurrentDictionary<string, (CameraHost Host, long At)> _recent = new(StringComparer.Ordinal);

    /// <summary>The node that runs the camera; null when its grain does not answer in time.</summary>
    public async Task<CameraHost?> FindAsync(string camera, CancellationToken ct)
    {
        if (_recent.TryGetValue(camera, out var recent) && Stopwatch.GetElapsedTime(recent.At) < Fresh)
            return recent.Host;
        try
        {
            var host = await grains.GetGrain<ICameraGrain>(camera).HostAsync().WaitAsync(s_askTimeout, ct).ConfigureAwait(false);
            _recent[camera] = (host, Stopwatch.GetTimestamp());
            return host;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogUnknown(logger, camera, ex.Message);
            return null;
        }
    }

    /// <summary>The camera's kept location proved wrong (its node could not be reached, or no longer runs it): ask its grain next time.</summary>
    public void Forget(string camera) => _recent.TryRemove(camera, out _);

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "camera {Camera}: its node could not be learnt for its live view ({Reason})")]
    private static partial void LogUnknown(ILogger logger, string camera, string reason);
}
