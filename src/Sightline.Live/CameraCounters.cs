using Sightline.Storage;

namespace Sightline.Live;

/// <summary>What one camera's worker has seen so far; written by capture and analysis, read by the status writer.</summary>
public sealed class CameraCounters
{
    private long _received, _analysed, _dropped, _motion, _lastFrameTicks, _detections, _skipped, _plates, _hits;
    private int _restarts;
    private volatile string _state = CameraStates.Starting;
    private volatile string? _reason;
    private volatile string? _sourceCodec;

    /// <summary>The source's video codec as ffmpeg named it in the last session (h264, mjpeg, …).</summary>
    public string? SourceCodec
    {
        get => _sourceCodec;
        set => _sourceCodec = value;
    }

    public string State => _state;

    public string? Reason => _reason;

    public long Received => Interlocked.Read(ref _received);

    public long Analysed => Interlocked.Read(ref _analysed);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long WithMotion => Interlocked.Read(ref _motion);

    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Frames the detector ran on.</summary>
    public long Detections => Interlocked.Read(ref _detections);

    /// <summary>Frames that needed the detector but found the shared queue full.</summary>
    public long DetectionsSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Tracked vehicles whose plate was read (one read each; the reads themselves are not kept).</summary>
    public long PlateReads => Interlocked.Read(ref _plates);

    /// <summary>Plate reads that matched a hotlist (each an event).</summary>
    public long HotlistHits => Interlocked.Read(ref _hits);

    public void PlateRead(int hits)
    {
        Interlocked.Increment(ref _plates);
        Interlocked.Add(ref _hits, hits);
    }

    public void DetectionRun() => Interlocked.Increment(ref _detections);

    public void DetectionSkipped() => Interlocked.Increment(ref _skipped);

    public (int Width, int Height)? Size { get; set; }

    public DateTimeOffset? LastFrameAt => Interlocked.Read(ref _lastFrameTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public void Set(string state, string? reason)
    {
        _reason = reason;
        _state = state;
    }

    public void FrameReceived(DateTimeOffset at)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Exchange(ref _lastFrameTicks, at.UtcTicks);
    }

    public void FrameAnalysed(bool motion)
    {
        Interlocked.Increment(ref _analysed);
        if (motion)
            Interlocked.Increment(ref _motion);
    }

    public void FramesDropped(long count) => Interlocked.Add(ref _dropped, count);

    public void Restarted() => Interlocked.Increment(ref _restarts);
}
