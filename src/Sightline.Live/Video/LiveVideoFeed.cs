using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Sightline.Live.Video;

/// <summary>What a viewer of a camera's live video receives: the codec string, then the init segment and media segments in order.</summary>
public sealed class LiveVideoViewer(LiveVideoFeed feed, string codecs, ChannelReader<byte[]> segments) : IDisposable
{
    /// <summary>
    /// When the camera showed what plays at media time zero (estimated from when fragments arrived): the video at
    /// <c>currentTime</c> seconds shows the camera at this plus <c>currentTime</c>; null before two fragments came.
    /// </summary>
    public DateTimeOffset? MediaZero => feed.MediaZero;

    /// <summary>The RFC 6381 codec string for Media Source Extensions (e.g. <c>avc1.42c01f</c>).</summary>
    public string Codecs => codecs;

    public ChannelReader<byte[]> Segments => segments;

    public void Dispose() => feed.Leave(this);
}

/// <summary>
/// One camera's live video while someone watches it: one ffmpeg reading the camera's source and writing fragmented MP4
/// (the source's H.264 copied as it is, anything else encoded to H.264 at a bounded size and rate), relayed to every
/// viewer. A viewer joining late gets the init segment and the segments since the last keyframe, so its player starts
/// at once; a viewer that cannot keep up is dropped (its player reconnects) rather than slowing the others.
/// </summary>
public sealed partial class LiveVideoFeed
{
    /// <summary>Segments a viewer may fall behind by before it is dropped (about 30 s at 4 segments a second).</summary>
    public const int ViewerQueue = 120;

    /// <summary>The segments kept since the last keyframe, at most; past it, late joiners wait for the next keyframe.</summary>
    private const int MaxGopBytes = 8 * 1024 * 1024;

    private readonly string _camera;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<LiveVideoViewer, Channel<byte[]>> _viewers = [];
    private readonly List<byte[]> _gop = [];
    private readonly TaskCompletionSource<(byte[] Init, string Codecs)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _gopBytes;
    private long _lastViewerLeftTicks = Stopwatch.GetTimestamp();
    private long _lastPlaylistTicks;

    private double? _mediaZeroMs;
    private double? _previousArrivalMs;

    /// <summary>The wall-clock time of media time zero, once estimated (see <see cref="LiveVideoViewer.MediaZero"/>).</summary>
    public DateTimeOffset? MediaZero
    {
        get
        {
            lock (_gate)
                return _mediaZeroMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;
        }
    }

    /// <summary>
    /// A fragment is written when the first frame after it arrives, so the previous fragment's arrival is (at least)
    /// the arrival of the frame at this fragment's decode time; the least delayed such pair estimates media time zero.
    /// </summary>
    private void Clock(ulong? decodeTime)
    {
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (_previousArrivalMs is { } previous && decodeTime is { } at && Hls.Timescale > 0)
            {
                double zero = previous - at * 1000.0 / Hls.Timescale;
                _mediaZeroMs = _mediaZeroMs is { } known ? Math.Min(known, zero) : zero;
            }
            _previousArrivalMs = now;
        }
    }

    /// <summary>The same video as HLS segments, for players without Media Source Extensions.</summary>
    public LiveHls Hls { get; } = new();

    /// <summary>The init segment and codec string once known (for HLS); null before.</summary>
    public (byte[] Init, string Codecs)? Ready => _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;

    /// <summary>Waits for the init segment; throws as <see cref="JoinAsync"/> does.</summary>
    public Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct) => _ready.Task.WaitAsync(timeout, ct);

    /// <summary>An HLS player asked for the playlist: the feed counts as watched for a while.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastPlaylistTicks, Stopwatch.GetTimestamp());

    public LiveVideoFeed(string camera, ILogger logger)
    {
        _camera = camera;
        _logger = logger;
    }

    /// <summary>Whether it encodes (rather than copies) the source.</summary>
    public bool Encodes { get; init; }

    public int Viewers
    {
        get
        {
            lock (_gate)
                return _viewers.Count;
        }
    }

    /// <summary>How long nobody has watched (zero while someone does).</summary>
    public TimeSpan Unwatched
    {
        get
        {
            lock (_gate)
            {
                long playlist = Interlocked.Read(ref _lastPlaylistTicks);
                var sinceViewer = _viewers.Count > 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_lastViewerLeftTicks);
                return playlist == 0 ? sinceViewer : TimeSpan.FromTicks(Math.Min(sinceViewer.Ticks, Stopwatch.GetElapsedTime(playlist).Ticks));
            }
        }
    }

    /// <summary>A new viewer, once the init segment is known; throws when the feed ended first or <paramref name="timeout"/> passed.</summary>
    public async Task<LiveVideoViewer> JoinAsync(TimeSpan timeout, CancellationToken ct)
    {
        var (init, codecs) = await _ready.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ViewerQueue + 2) { SingleReader = true, SingleWriter = true });
        var viewer = new LiveVideoViewer(this, codecs, channel.Reader);
        lock (_gate)
        {
            channel.Writer.TryWrite(init);
            // The segments since the last keyframe, together, so the player starts on a keyframe without waiting for the next one.
            if (_gop.Count > 0)
                channel.Writer.TryWrite(Concat(_gop));
            _viewers[viewer] = channel;
        }
        return viewer;
    }

    internal void Leave(LiveVideoViewer viewer)
    {
        lock (_gate)
        {
            if (_viewers.Remove(viewer, out var channel))
                channel.Writer.TryComplete();
            if (_viewers.Count == 0)
                _lastViewerLeftTicks = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Runs ffmpeg and relays what it writes until it ends or <paramref name="ct"/> stops it.</summary>
    public async Task RunAsync(ProcessStartInfo command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        Process process;
        try
        {
            process = Process.Start(command) ?? throw new InvalidOperationException("ffmpeg did not start");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            End(ex);
            return;
        }
        using var _ = process;
        var log = new FfmpegLog();
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
                log.Add(line);
        }, CancellationToken.None);
        await using var kill = ct.Register(() => Kill(process));
        Exception? failure = null;
        try
        {
            await RelayAsync(process.StandardOutput.BaseStream, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or EndOfStreamException)
        {
            failure = ex;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        finally
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
        }
        if (!ct.IsCancellationRequested)
            LogEnded(_logger, _camera, failure?.Message ?? log.Reason(process.ExitCode));
        End(failure ?? new IOException($"The live video of camera {_camera} ended: {log.Reason(process.ExitCode)}"));
    }

    private async Task RelayAsync(Stream output, CancellationToken ct)
    {
        byte[]? ftyp = null;
        byte[]? moof = null;
        while (await Mp4Boxes.ReadAsync(output, ct).ConfigureAwait(false) is var (type, box))
        {
            switch (type)
            {
                case "ftyp":
                    ftyp = box;
                    break;
                case "moov":
                    Hls.Timescale = Mp4Boxes.Timescale(box) ?? 0;
                    string codecs = Mp4Boxes.Codecs(box) ?? throw new InvalidDataException("The live video has no H.264 track.");
                    _ready.TrySetResult((Concat([ftyp ?? [], box]), codecs));
                    break;
                case "moof":
                    moof = box;
                    break;
                case "mdat" when moof is not null:
                    Clock(Mp4Boxes.DecodeTime(moof));
                    bool keyframe = Mp4Boxes.StartsWithKeyframe(moof);
                    var segment = Concat([moof, box]);
                    Hls.Add(segment, keyframe, Mp4Boxes.DecodeTime(moof));
                    Publish(segment, keyframe);
                    moof = null;
                    break;
            }
        }
    }

    private void Publish(byte[] segment, bool keyframe)
    {
        lock (_gate)
        {
            if (keyframe)
            {
                _gop.Clear();
                _gopBytes = 0;
            }
            if (keyframe || _gop.Count > 0)
            {
                _gop.Add(segment);
                _gopBytes += segment.Length;
                if (_gopBytes > MaxGopBytes)
                {
                    _gop.Clear();
                    _gopBytes = 0;
                }
            }
            List<LiveVideoViewer>? slow = null;
            foreach (var (viewer, channel) in _viewers)
            {
                if (!channel.Writer.TryWrite(segment))
                    (slow ??= []).Add(viewer);
            }
            foreach (var viewer in slow ?? [])
            {
                _viewers.Remove(viewer, out var channel);
                channel!.Writer.TryComplete(new IOException("The viewer fell too far behind the live video."));
            }
        }
    }

    private void End(Exception reason)
    {
        _ready.TrySetException(reason);
        lock (_gate)
        {
            foreach (var channel in _viewers.Values)
                channel.Writer.TryComplete();
            _viewers.Clear();
        }
    }

    private static byte[] Concat(IReadOnlyList<byte[]> parts)
    {
        var all = new byte[parts.Sum(p => p.Length)];
        int at = 0;
        foreach (var p in parts)
        {
            p.CopyTo(all, at);
            at += p.Length;
        }
        return all;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited already
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "camera {Camera}: live video ended ({Reason})")]
    private static partial void LogEnded(ILogger logger, string camera, string reason);
}
