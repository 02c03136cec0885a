using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sightline.Live.Clips;

/// <summary>
/// One camera's event clips. Every analysed frame is compressed to JPEG once and kept in the pre-roll ring; an event
/// that starts gets an encoder fed the ring from <see cref="LiveOptions.ClipPreSeconds"/> before its start and then
/// every frame until <see cref="LiveOptions.ClipPostSeconds"/> after its end, or until the clip is
/// <see cref="LiveOptions.MaxClipSeconds"/> long. Overlapping events share the frames (one reference each); at most
/// <see cref="LiveOptions.MaxClipsPerCamera"/> encoders run at once. Driven by the camera's analysis, one frame at a
/// time; finished clips are announced through <c>ready</c> from a background task.
/// </summary>
public sealed partial class ClipRecorder : IDisposable
{
    /// <summary>
    /// The ring reaches this much further back than the pre-roll: an event starts when its track is confirmed, about
    /// half a second (and at most a few seconds) after the object was first seen, and the clip starts before that.
    /// </summary>
    public static readonly TimeSpan ConfirmationSlack = TimeSpan.FromSeconds(3);

    private readonly string _camera;
    private readonly double _fps;
    private readonly LiveOptions _options;
    private readonly string _directory;
    private readonly Func<string, Task> _ready;
    private readonly ILogger _logger;
    private readonly JpegCompressor _jpeg = new();
    private readonly PreRoll _preRoll;
    private readonly Dictionary<string, OpenClip> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _made = new(StringComparer.Ordinal);
    private readonly List<Task> _finishing = [];
    private DateTimeOffset? _latest;

    private sealed class OpenClip(ClipEncoder encoder, DateTimeOffset from)
    {
        public ClipEncoder Encoder { get; } = encoder;

        public DateTimeOffset From { get; } = from;

        public DateTimeOffset? Until { get; set; }

        /// <summary>The times of the frames the encoder took, in order: frame k of the clip shows the camera at Frames[k].</summary>
        public List<DateTimeOffset> Frames { get; } = [];

        public void Offer(JpegFrame frame)
        {
            var at = frame.At;
            if (Encoder.Offer(frame))
                Frames.Add(at);
        }
    }

    /// <param name="ready">Called with an event's id once its clip is in place (to mark the event and tell the feeds).</param>
    public ClipRecorder(string camera, double fps, LiveOptions options, string eventsDirectory, Func<string, Task> ready, ILogger logger)
    {
        (_camera, _fps, _options, _directory, _ready, _logger) = (camera, fps, options, eventsDirectory, ready, logger);
        _preRoll = PreRoll.For(fps, TimeSpan.FromSeconds(options.ClipPreSeconds) + ConfirmationSlack);
    }

    public bool Enabled => _options.MaxClipsPerCamera > 0;

    /// <summary>Clips being encoded now.</summary>
    public int Open => _open.Count;

    /// <summary>Whether the event's clip is in place (for the messages of an event still open).</summary>
    public bool HasClip(string eventId) => _made.ContainsKey(eventId);

    /// <summary>The clips' frame rate: one frame per analysed frame.</summary>
    public double Fps => _fps;

    /// <summary>The times of the frames of the event's clip so far, while it is being made (frame k shows the camera at [k]); null when it has none.</summary>
    public IReadOnlyList<DateTimeOffset>? ClipFrames(string eventId) => _open.TryGetValue(eventId, out var clip) ? [.. clip.Frames] : null;

    /// <summary>
    /// Keeps the frame for the pre-roll and gives it to every open clip; a clip past its end or its length is finished
    /// first. The JPEG is returned for the caller to take its own reference to while the pre-roll holds it (null when
    /// clips are off).
    /// </summary>
    public JpegFrame? Add(Frame frame, Mat bgr)
    {
        if (!Enabled)
            return null;
        _latest = frame.At;
        var jpeg = _jpeg.Compress(bgr, frame.At);
        foreach (var (id, clip) in _open.ToList())
        {
            if (frame.At > clip.Until || frame.At - clip.From > MaxLength)
                Finish(id, clip);
            else
                clip.Offer(jpeg.AddReference());
        }
        _preRoll.Add(jpeg);
        return jpeg;
    }

    /// <summary>An event starts: its clip begins <see cref="LiveOptions.ClipPreSeconds"/> before <paramref name="start"/>.</summary>
    public void Start(string eventId, DateTimeOffset start)
    {
        if (!Enabled || _open.ContainsKey(eventId))
            return;
        if (_open.Count >= _options.MaxClipsPerCamera)
        {
            LogTooMany(_logger, _camera, eventId, _options.MaxClipsPerCamera);
            return;
        }
        var from = start - TimeSpan.FromSeconds(_options.ClipPreSeconds);
        Directory.CreateDirectory(_directory);
        // The queue holds the pre-roll and two more seconds: ffmpeg takes frames far faster than a camera makes them.
        var encoder = ClipEncoder.Start(ClipPath(eventId), _fps, _preRoll.Capacity + (int)Math.Ceiling(2 * _fps) + 2);
        if (encoder is null)
        {
            LogFailed(_logger, _camera, eventId, "ffmpeg could not be started");
            return;
        }
        var frames = _preRoll.Since(from);
        var clip = new OpenClip(encoder, frames.Count > 0 ? frames[0].At : start);
        foreach (var f in frames)
            clip.Offer(f);
        _open[eventId] = clip;
    }

    /// <summary>An event ends: its clip goes on to <see cref="LiveOptions.ClipPostSeconds"/> after <paramref name="end"/> (finished now if the frames are there).</summary>
    public void End(string eventId, DateTimeOffset end)
    {
        _made.TryRemove(eventId, out _);
        if (!_open.TryGetValue(eventId, out var clip))
            return;
        clip.Until = end + TimeSpan.FromSeconds(_options.ClipPostSeconds);
        if (_latest >= clip.Until)
            Finish(eventId, clip);
    }

    /// <summary>The stream was lost: clips whose events have ended are finished with the frames they have.</summary>
    public void StreamLost()
    {
        foreach (var (id, clip) in _open.Where(o => o.Value.Until is not null).ToList())
            Finish(id, clip);
    }

    /// <summary>The camera stops: every open clip is finished with what it has, and the recorder waits for them.</summary>
    public async Task StopAsync()
    {
        foreach (var (id, clip) in _open.ToList())
            Finish(id, clip);
        await Task.WhenAll(_finishing).ConfigureAwait(false);
        _finishing.Clear();
        _made.Clear();
        _preRoll.Clear();
    }

    /// <summary>After <see cref="StopAsync"/> (the camera's worker stops its analysis first); a clip still open then is abandoned.</summary>
    public void Dispose()
    {
        foreach (var clip in _open.Values)
            clip.Encoder.Abandon();
        _open.Clear();
        _preRoll.Dispose();
        _jpeg.Dispose();
    }

    private TimeSpan MaxLength => TimeSpan.FromSeconds(_options.MaxClipSeconds);

    private string ClipPath(string eventId) => PathOf(_directory, eventId);

    /// <summary>Where the clip of an event is encoded, in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, string eventId) => Path.Combine(directory, eventId + ".mp4");

    private void Finish(string eventId, OpenClip clip)
    {
        _open.Remove(eventId);
        _finishing.RemoveAll(t => t.IsCompleted);
        _finishing.Add(FinishAsync(eventId, clip, ended: clip.Until is not null));
    }

    private async Task FinishAsync(string eventId, OpenClip clip, bool ended)
    {
        await using var encoder = clip.Encoder;
        try
        {
            var (made, error) = await encoder.FinishAsync().ConfigureAwait(false);
            if (!made)
            {
                LogFailed(_logger, _camera, eventId, error ?? "unknown");
                return;
            }
            if (encoder.Dropped > 0)
                LogDropped(_logger, _camera, eventId, encoder.Dropped);
            if (!ended)
                _made[eventId] = true; // the event goes on past the longest clip
            await _ready(eventId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogFailed(_logger, _camera, eventId, ex.Message);
        }
    }

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "camera {Camera}: event {EventId} gets no clip: {Limit} clips are being made on this camera already (MaxClipsPerCamera)")]
    private static partial void LogTooMany(ILogger logger, string camera, string eventId, int limit);

    [LoggerMessage(EventId = 73, Level = LogLevel.Error, Message = "camera {Camera}: the clip of event {EventId} could not be made: {Reason}")]
    private static partial void LogFailed(ILogger logger, string camera, string eventId, string reason);

    [LoggerMessage(EventId = 74, Level = LogLevel.Warning, Message = "camera {Camera}: the clip of event {EventId} lost {Frames} frame(s): its encoder fell behind")]
    private static partial void LogDropped(ILogger logger, string camera, string eventId, long frames);
}
