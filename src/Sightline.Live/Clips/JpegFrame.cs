using System.Buffers;

namespace Sightline.Live.Clips;

/// <summary>
/// One analysed frame compressed to JPEG in a pooled buffer, shared by the pre-roll ring and every clip encoder it
/// goes to: each holder takes a reference and releases it, and the last release returns the buffer to the pool.
/// </summary>
public sealed class JpegFrame
{
    private readonly byte[] _buffer;
    private int _references = 1;

    private JpegFrame(byte[] buffer, int length, DateTimeOffset at) => (_buffer, Length, At) = (buffer, length, at);

    /// <summary>A frame holding one reference (the caller's), its bytes copied into a buffer from the shared pool.</summary>
    public static JpegFrame Copy(ReadOnlySpan<byte> jpeg, DateTimeOffset at)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(jpeg.Length);
        jpeg.CopyTo(buffer);
        return new JpegFrame(buffer, jpeg.Length, at);
    }

    public int Length { get; }

    public DateTimeOffset At { get; }

    /// <summary>The JPEG bytes; valid while the caller holds a reference.</summary>
    public ReadOnlyMemory<byte> Bytes => Volatile.Read(ref _references) > 0 ? _buffer.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(JpegFrame));

    public JpegFrame AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1)
            throw new ObjectDisposedException(nameof(JpegFrame));
        return this;
    }

    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        else if (left < 0)
            throw new InvalidOperationException("A JPEG frame was released more often than it was referenced.");
    }
}
