using OpenCvSharp;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>A camera's analysis of each frame: motion first (masked), which decides whether the frame needs the detector.</summary>
public sealed class CameraAnalysis(CameraSettings settings, CameraCounters counters) : IFrameAnalyzer
{
    private MotionDetector? _motion;
    private (int, int) _size;

    /// <summary>The moving regions of the last frame analysed.</summary>
    public IReadOnlyList<NormalBox> LastMotion { get; private set; } = [];

    public ValueTask AnalyzeAsync(Frame frame, Mat bgr, CancellationToken cancellationToken)
    {
        if (_motion is null || _size != (frame.Width, frame.Height))
        {
            _motion?.Dispose();
            _motion = new MotionDetector(frame.Width, frame.Height, settings.MotionMasks);
            _size = (frame.Width, frame.Height);
        }
        LastMotion = _motion.Detect(bgr);
        counters.FrameAnalysed(LastMotion.Count > 0);
        return ValueTask.CompletedTask;
    }

    public void StreamLost(DateTimeOffset at)
    {
        // The background is kept: the scene is the same camera's when it comes back.
    }

    public void Dispose() => _motion?.Dispose();
}
