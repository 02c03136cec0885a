namespace Sightline.Live;

/// <summary>Limits and timings of live camera work (defaults after Frigate's where it has one).</summary>
public sealed record LiveOptions
{
    /// <summary>Cameras one server watches; those past the limit show 'error' with the reason.</summary>
    public int MaxCameras { get; init; } = 16;

    /// <summary>How often a server reads the camera list (a change made by the CLI is picked up within this plus a start).</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often each camera's status is written to the store.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A status older than this means no server is watching the camera ('idle').</summary>
    public TimeSpan StatusStaleAfter { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>No frame for this long (also before the first one): ffmpeg is killed and started again (Frigate: 20 s).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Waits between restarts: doubling from the first to the last, back to the first after a minute of streaming.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Seconds of frames the ring holds before the oldest is dropped (at least 2 frames).</summary>
    public double RingSeconds { get; init; } = 1;

    /// <summary>Sources whose frames are larger than this on a side are refused ('absurd resolution').</summary>
    public int MaxSourceSide { get; init; } = 8192;

    /// <summary>Detect width when the camera gives no size (the source's aspect is kept; never scaled up).</summary>
    public int DefaultDetectWidth { get; init; } = 1280;

    /// <summary>Seconds of frames before an event's start that its clip shows (kept in a pre-roll ring of JPEG frames).</summary>
    public double ClipPreSeconds { get; init; } = 5;

    /// <summary>Seconds after an event's end that its clip shows (at least until the end is known: the unseen time, 5 s).</summary>
    public double ClipPostSeconds { get; init; } = 5;

    /// <summary>The longest clip; a longer event's clip stops here (the event goes on).</summary>
    public double MaxClipSeconds { get; init; } = 120;

    /// <summary>Clips one camera encodes at once (one ffmpeg each); an event past this gets no clip and says so in the log. 0 turns clips off.</summary>
    public int MaxClipsPerCamera { get; init; } = 4;

    /// <summary>Days the events of a camera that no longer exists are kept (a camera's own events: its retainDays).</summary>
    public int OrphanEventDays { get; init; } = 30;

    /// <summary>The name this server reports in camera statuses (the core sets it to its node name).</summary>
    public string Node { get; init; } = Environment.MachineName;
}
