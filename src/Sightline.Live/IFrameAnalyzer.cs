using OpenCvSharp;

namespace Sightline.Live;

/// <summary>What a camera does with each frame it keeps (motion, then detection and tracking). One per camera, called in frame order.</summary>
public interface IFrameAnalyzer : IDisposable
{
    /// <summary><paramref name="bgr"/> wraps the frame's buffer and is valid only during the call.</summary>
    ValueTask AnalyzeAsync(Frame frame, Mat bgr, CancellationToken cancellationToken);

    /// <summary>The stream was lost (a reconnect follows); tracks may be kept for the time an object may go unseen.</summary>
    void StreamLost(DateTimeOffset at);

    /// <summary>The camera stops being watched (removed, changed, or the server stops): whatever is open is closed.</summary>
    Task StoppedAsync(DateTimeOffset at);
}
