namespace Sightline.Live.Clips;

/// <summary>
/// The last seconds of a camera's analysed frames as JPEG, oldest first: what a clip shows before its event starts.
/// Bounded both by age and by count (a source that delivers faster than its rate cannot grow it). One camera's
/// analysis uses it, one frame at a time.
/// </summary>
public sealed class PreRoll : IDisposable
{
    private readonly Queue<JpegFrame> _frames = new();
    private readonly TimeSpan _span;
    private readonly int _capacity;

    /// <param name="span">How far back the ring reaches from its newest frame.</param>
    /// <param name="capacity">At most this many frames, whatever their times.</param>
    public PreRoll(TimeSpan span, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(span.Ticks, nameof(span));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        (_span, _capacity) = (span, capacity);
    }

    /// <summary>Frames for a camera analysing <paramref name="fps"/> frames a second, reaching <paramref name="span"/> back.</summary>
    public static PreRoll For(double fps, TimeSpan span) => new(span, Math.Max(1, (int)Math.Ceiling(fps * span.TotalSeconds) + 2));

    public int Count => _frames.Count;

    public int Capacity => _capacity;

    /// <summary>Bytes of JPEG held now.</summary>
    public long Bytes => _frames.Sum(f => (long)f.Length);

    /// <summary>Takes over the caller's reference to <paramref name="frame"/>; frames older than the span, or past the capacity, are released.</summary>
    public void Add(JpegFrame frame)
    {
        _frames.Enqueue(frame);
        while (_frames.Count > _capacity || (_frames.Count > 1 && frame.At - _frames.Peek().At > _span))
            _frames.Dequeue().Release();
    }

    /// <summary>The frames at or after <paramref name="from"/>, oldest first, each with a new reference the caller must release.</summary>
    public IReadOnlyList<JpegFrame> Since(DateTimeOffset from) => [.. _frames.Where(f => f.At >= from).Select(f => f.AddReference())];

    public void Clear()
    {
        while (_frames.TryDequeue(out var frame))
            frame.Release();
    }

    public void Dispose() => Clear();
}
