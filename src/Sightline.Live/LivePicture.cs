using Sightline.Live.Clips;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>A tracked object as the live view draws it: its id within the camera, label, box (relative), and state.</summary>
public sealed record LiveTrack(string Id, string Label, NormalBox Box, bool Stationary, bool Loitering, IReadOnlyList<string> Zones);

/// <summary>What a camera's live view shows: when, the tracked objects of that moment, and the frame size.</summary>
public sealed record LiveTracks(DateTimeOffset? At, int Width, int Height, IReadOnlyList<LiveTrack> Tracks);

/// <summary>
/// A camera's latest analysed frame (JPEG) and its confirmed tracks, for live views (the console's camera wall).
/// The frame is one the camera compressed anyway (for its clips' pre-roll), held by one more reference until the
/// next; a reader copies it out under the lock. Only confirmed tracks are shown, as events are.
/// </summary>
public sealed class LivePicture : IDisposable
{
    private readonly Lock _gate = new();
    private JpegFrame? _frame;
    private LiveTracks _tracks = new(null, 0, 0, []);

    /// <summary>Takes a reference to <paramref name="frame"/> (the caller keeps its own) and lets the previous go.</summary>
    public void SetFrame(JpegFrame frame)
    {
        var held = frame.AddReference();
        JpegFrame? previous;
        lock (_gate)
            (previous, _frame) = (_frame, held);
        previous?.Release();
    }

    public void SetTracks(LiveTracks tracks) => Volatile.Write(ref _tracks, tracks);

    public LiveTracks Tracks => Volatile.Read(ref _tracks);

    /// <summary>A copy of the latest frame's JPEG and its time; null before the first frame.</summary>
    public (byte[] Jpeg, DateTimeOffset At)? Latest()
    {
        lock (_gate)
            return _frame is null ? null : (_frame.Bytes.ToArray(), _frame.At);
    }

    public void Dispose()
    {
        JpegFrame? previous;
        lock (_gate)
            (previous, _frame) = (_frame, null);
        previous?.Release();
    }
}
