using System.Buffers.Binary;
using System.Globalization;

namespace Sightline.Live.Video;

/// <summary>
/// Reads a fragmented MP4 stream (ISO/IEC 14496-12) as ffmpeg writes it with <c>empty_moov+default_base_moof</c>: the
/// initialisation segment (<c>ftyp</c> + <c>moov</c>), then media segments (<c>moof</c> + <c>mdat</c>). Only what a live
/// relay needs: box boundaries, whether a segment starts on a sync sample, and the codec string for Media Source
/// Extensions.
/// </summary>
public static class Mp4Boxes
{
    /// <summary>A box larger than this ends the stream: a live fragment of a few hundred milliseconds is far smaller.</summary>
    public const int MaxBoxBytes = 16 * 1024 * 1024;

    /// <summary>The next top-level box (header included), or null at the end of the stream.</summary>
    public static async Task<(string Type, byte[] Box)?> ReadAsync(Stream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[16];
        int got = await stream.ReadAtLeastAsync(header.AsMemory(0, 8), 8, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got == 0)
            return null;
        if (got < 8)
            throw new InvalidDataException("The MP4 stream ended inside a box header.");
        long size = BinaryPrimitives.ReadUInt32BigEndian(header);
        int headerLength = 8;
        if (size == 1)
        {
            await stream.ReadExactlyAsync(header.AsMemory(8, 8), ct).ConfigureAwait(false);
            size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
            headerLength = 16;
        }
        string type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
        if (size < headerLength || size > MaxBoxBytes)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"MP4 box '{type}' has an unusable size ({size} bytes)."));
        var box = new byte[size];
        header.AsSpan(0, headerLength).CopyTo(box);
        await stream.ReadExactlyAsync(box.AsMemory(headerLength), ct).ConfigureAwait(false);
        return (type, box);
    }

    /// <summary>The children of a container box's payload, as (type, whole child box).</summary>
    public static IEnumerable<(string Type, ReadOnlyMemory<byte> Box)> Children(ReadOnlyMemory<byte> payload)
    {
        int at = 0;
        while (at + 8 <= payload.Length)
        {
            var span = payload.Span[at..];
            long size = BinaryPrimitives.ReadUInt32BigEndian(span);
            string type = System.Text.Encoding.ASCII.GetString(span.Slice(4, 4));
            int header = 8;
            if (size == 1 && span.Length >= 16)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(span[8..]);
                header = 16;
            }
            else if (size == 0)
            {
                size = payload.Length - at;
            }
            if (size < header || at + size > payload.Length)
                yield break;
            yield return (type, payload.Slice(at, (int)size));
            at += (int)size;
        }
    }

    /// <summary>The payload of a box (after its header).</summary>
    public static ReadOnlyMemory<byte> Payload(ReadOnlyMemory<byte> box) =>
        BinaryPrimitives.ReadUInt32BigEndian(box.Span) == 1 ? box[16..] : box[8..];

    /// <summary>
    /// Whether a media segment's first sample is a sync sample (a keyframe): from the first <c>trun</c>'s first-sample
    /// flags, else its first sample's own flags, else the <c>tfhd</c> default; unknown counts as not.
    /// </summary>
    public static bool StartsWithKeyframe(ReadOnlyMemory<byte> moof)
    {
        foreach (var (type, traf) in Children(Payload(moof)))
        {
            if (type != "traf")
                continue;
            uint? defaults = null;
            foreach (var (childType, child) in Children(Payload(traf)))
            {
                var p = Payload(child).Span;
                if (p.Length < 4)
                    continue;
                uint flags = BinaryPrimitives.ReadUInt32BigEndian(p) & 0xFFFFFF;
                if (childType == "tfhd")
                {
                    int at = 8; // version/flags, track id
                    if ((flags & 0x01) != 0) at += 8;
                    if ((flags & 0x02) != 0) at += 4;
                    if ((flags & 0x08) != 0) at += 4;
                    if ((flags & 0x10) != 0) at += 4;
                    if ((flags & 0x20) != 0 && p.Length >= at + 4)
                        defaults = BinaryPrimitives.ReadUInt32BigEndian(p[at..]);
                }
                else if (childType == "trun")
                {
                    int at = 8; // version/flags, sample count
                    if ((flags & 0x01) != 0) at += 4;
                    uint? sampleFlags = null;
                    if ((flags & 0x04) != 0 && p.Length >= at + 4)
                        sampleFlags = BinaryPrimitives.ReadUInt32BigEndian(p[at..]);
                    else if ((flags & 0x400) != 0)
                    {
                        int skip = ((flags & 0x100) != 0 ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0);
                        if (p.Length >= at + skip + 4)
                            sampleFlags = BinaryPrimitives.ReadUInt32BigEndian(p[(at + skip)..]);
                    }
                    sampleFlags ??= defaults;
                    // sample_is_non_sync_sample is bit 16; sample_depends_on == 2 (bits 24-25) also marks an I-frame.
                    return sampleFlags is { } f && (f & 0x10000) == 0;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// The RFC 6381 codec string of the first video track (<c>avc1.PPCCLL</c> from its <c>avcC</c>), for
    /// <c>MediaSource.addSourceBuffer</c>; null when the init segment has no H.264 track.
    /// </summary>
    public static string? Codecs(ReadOnlyMemory<byte> moov)
    {
        var avcC = Find(Payload(moov), ["trak", "mdia", "minf", "stbl", "stsd"]);
        if (avcC is not { } stsd)
            return null;
        // stsd: version/flags (4), entry count (4), then sample entries; avc1's visual sample entry header is 78 bytes.
        var entries = Payload(stsd)[8..];
        foreach (var (type, entry) in Children(entries))
        {
            if (type is not ("avc1" or "avc3"))
                continue;
            var payload = Payload(entry);
            if (payload.Length <= 78)
                return null;
            foreach (var (childType, child) in Children(payload[78..]))
            {
                var c = Payload(child).Span;
                if (childType == "avcC" && c.Length >= 4)
                    return string.Create(CultureInfo.InvariantCulture, $"{type}.{c[1]:x2}{c[2]:x2}{c[3]:x2}");
            }
        }
        return null;
    }

    /// <summary>The timescale (units a second) of the first track's media, from its <c>mdhd</c>; null when absent.</summary>
    public static uint? Timescale(ReadOnlyMemory<byte> moov)
    {
        if (Find(Payload(moov), ["trak", "mdia", "mdhd"]) is not { } mdhd)
            return null;
        var p = Payload(mdhd).Span;
        int at = p.Length > 0 && p[0] == 1 ? 4 + 16 : 4 + 8; // version/flags, then the creation and modification times
        return p.Length >= at + 4 ? BinaryPrimitives.ReadUInt32BigEndian(p[at..]) : null;
    }

    /// <summary>A media segment's base decode time (its first <c>tfdt</c>), in the track's timescale; null when absent.</summary>
    public static ulong? DecodeTime(ReadOnlyMemory<byte> moof)
    {
        if (Find(Payload(moof), ["traf", "tfdt"]) is not { } tfdt)
            return null;
        var p = Payload(tfdt).Span;
        if (p.Length >= 12 && p[0] == 1)
            return BinaryPrimitives.ReadUInt64BigEndian(p[4..]);
        return p.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(p[4..]) : null;
    }

    private static ReadOnlyMemory<byte>? Find(ReadOnlyMemory<byte> payload, string[] path)
    {
        foreach (var (type, child) in Children(payload))
        {
            if (type != path[0])
                continue;
            if (path.Length == 1)
                return child;
            if (Find(Payload(child), path[1..]) is { } found)
                return found;
        }
        return null;
    }
}
