namespace Sightline.Live;

/// <summary>
/// A zone as the API and the CLI take it: a name, a polygon as flat relative coordinates x1,y1,x2,y2,…, the labels
/// that matter there, and the seconds an object must stay to count as in it (loitering; 0 or none: at once).
/// </summary>
public sealed record ZoneRequest(string? Name, IReadOnlyList<float>? Polygon, IReadOnlyList<string>? Labels, int? LoiterSeconds = null);

/// <summary>A camera as the API and the CLI take it, before validation (<see cref="CameraDefinitions"/>).</summary>
public sealed record CameraRequest
{
    public string? Name { get; init; }

    /// <summary>rtsp://, rtsps://, http(s):// (MJPEG or HLS) or file:// (looped, for testing); user:password@ in it is sealed and never shown again.</summary>
    public string? Url { get; init; }

    public string? RtspTransport { get; init; }

    public double? Fps { get; init; }

    /// <summary>Detect size "WIDTHxHEIGHT"; none keeps the source's aspect at a width of at most 1280.</summary>
    public string? Size { get; init; }

    public IReadOnlyList<string>? Labels { get; init; }

    public IReadOnlyList<ZoneRequest>? Zones { get; init; }

    public IReadOnlyList<IReadOnlyList<float>>? MotionMasks { get; init; }

    public bool? ReadPlates { get; init; }

    public bool? Enabled { get; init; }

    /// <summary>Days the camera's events are kept (1–36,500; default 30).</summary>
    public int? RetainDays { get; init; }
}

/// <summary>A camera as listed by the API and the CLI: its settings without credentials, and its status.</summary>
public sealed record CameraView(
    string Name,
    string Url,
    bool HasCredentials,
    string RtspTransport,
    double Fps,
    int? Width,
    int? Height,
    IReadOnlyList<string> Labels,
    IReadOnlyList<Storage.CameraZone> Zones,
    int MotionMasks,
    bool ReadPlates,
    bool Enabled,
    int RetainDays,
    string State,
    string? Reason,
    double MeasuredFps,
    long FramesReceived,
    long FramesAnalysed,
    long FramesDropped,
    long FramesWithMotion,
    int Restarts,
    DateTimeOffset? LastFrameAt,
    DateTimeOffset? StatusAt,
    string? Node,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
