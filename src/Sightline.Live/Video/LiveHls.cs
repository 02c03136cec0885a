using System.Globalization;
using System.Text;

namespace Sightline.Live.Video;

/// <summary>
/// The HLS view of a camera's live video, for players without Media Source Extensions (Safari on iPhone): the same
/// fragments, grouped into segments that each start on a keyframe (one GOP each, closed at the next keyframe), the
/// last <see cref="KeptSegments"/> of them in a sliding playlist with the init segment as its map. Its latency is a
/// few segments; the MSE stream is the low-latency path.
/// </summary>
public sealed class LiveHls
{
    public const int KeptSegments = 6;

    /// <summary>A segment longer than this (a camera with very long GOPs) is dropped rather than held.</summary>
    private const int MaxSegmentBytes = 16 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly List<byte[]> _open = [];
    private readonly LinkedList<(long Sequence, byte[] Bytes, double Seconds)> _segments = new();
    private int _openBytes;
    private ulong? _openStart;
    private long _next;

    /// <summary>Media time units a second (from the init segment); segment durations come from decode times.</summary>
    public uint Timescale { get; set; }

    public int Count
    {
        get
        {
            lock (_gate)
                return _segments.Count;
        }
    }

    /// <summary>A media segment of the live video, with whether it starts on a keyframe and its decode time.</summary>
    public void Add(byte[] fragment, bool keyframe, ulong? decodeTime)
    {
        lock (_gate)
        {
            if (keyframe && decodeTime is { } at)
            {
                if (_open.Count > 0 && _openStart is { } start && Timescale > 0 && at > start)
                    Close((at - start) / (double)Timescale);
                _open.Clear();
                _openBytes = 0;
                _openStart = at;
            }
            if (_openStart is null)
                return; // waiting for the first keyframe
            _open.Add(fragment);
            _openBytes += fragment.Length;
            if (_openBytes > MaxSegmentBytes)
            {
                _open.Clear();
                _openBytes = 0;
                _openStart = null;
            }
        }
    }

    private void Close(double seconds)
    {
        var bytes = new byte[_openBytes];
        int offset = 0;
        foreach (var part in _open)
        {
            part.CopyTo(bytes, offset);
            offset += part.Length;
        }
        _segments.AddLast((_next++, bytes, seconds));
        while (_segments.Count > KeptSegments)
            _segments.RemoveFirst();
    }

    /// <summary>The playlist (a live, sliding window), or null while no segment is complete.</summary>
    public string? Playlist()
    {
        lock (_gate)
        {
            if (_segments.Count == 0)
                return null;
            var text = new StringBuilder();
            double longest = _segments.Max(s => s.Seconds);
            text.Append("#EXTM3U\n#EXT-X-VERSION:7\n")
                .Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{Math.Max(1, (int)Math.Ceiling(longest))}\n")
                .Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{_segments.First!.Value.Sequence}\n")
                .Append("#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init.mp4\"\n");
            foreach (var (sequence, _, seconds) in _segments)
                text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{seconds:0.000},\n{sequence}.m4s\n");
            return text.ToString();
        }
    }

    /// <summary>A segment still in the playlist's window, or null.</summary>
    public byte[]? Segment(long sequence)
    {
        lock (_gate)
        {
            foreach (var s in _segments)
            {
                if (s.Sequence == sequence)
                    return s.Bytes;
            }
            return null;
        }
    }
}
