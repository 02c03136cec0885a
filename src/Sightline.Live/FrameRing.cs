using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Sightline.Live;

/// <summary>One decoded frame in a ring slot: BGR bytes, its number in the stream, and when it arrived.</summary>
public readonly record struct Frame(byte[] Buffer, int Width, int Height, long Sequence, DateTimeOffset At);

/// <summary>
/// The bounded hand-over between a camera's capture and its analysis: preallocated frame buffers and a channel that,
/// when full, drops the oldest frame and counts it (Frigate's <c>capture_frames</c>); capture never waits.
/// </summary>
public sealed class FrameRing
{
    private readonly ConcurrentBag<byte[]> _free = [];
    private readonly Channel<Frame> _channel;
    private long _dropped;

    public FrameRing(int width, int height, int capacity, Action? dropped = null)
    {
        (Width, Height, Capacity) = (width, height, capacity);
        FrameBytes = checked(width * height * 3);
        _channel = Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            frame =>
            {
                Interlocked.Increment(ref _dropped);
                Return(frame.Buffer);
                dropped?.Invoke();
            });
    }

    public int Width { get; }

    public int Height { get; }

    public int Capacity { get; }

    public int FrameBytes { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<Frame> Reader => _channel.Reader;

    /// <summary>
    /// A free buffer: one of the ring's (capacity + 2 exist at most: the queued, one being filled, one being analysed), on
    /// the pinned heap so the analysis wraps it in a Mat without a copy.
    /// </summary>
    public byte[] Rent() => _free.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(FrameBytes, pinned: true);

    public void Return(byte[] buffer)
    {
        if (buffer.Length == FrameBytes)
            _free.Add(buffer);
    }

    /// <summary>Queues a filled frame; a full ring drops its oldest frame instead of waiting.</summary>
    public void Publish(Frame frame)
    {
        if (!_channel.Writer.TryWrite(frame))
            Return(frame.Buffer); // completed: the analysis has stopped
    }

    public void Complete() => _channel.Writer.TryComplete();
}
