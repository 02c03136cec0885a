using System.Text.Json.Serialization;

namespace Sightline.Storage;

/// <summary>A point in relative frame coordinates (0–1 from the top left).</summary>
public sealed record RelativePoint(float X, float Y);

/// <summary>A named polygon of a camera's frame and the labels that matter there (none: every watched label).</summary>
public sealed record CameraZone(string Name, IReadOnlyList<RelativePoint> Polygon, IReadOnlyList<string> Labels)
{
    /// <summary>
    /// Seconds an object must stay in the zone before it counts as in it (0: at once). An object that does is
    /// loitering there; leaving the zone starts the count again (Frigate's <c>loitering_time</c>).
    /// </summary>
    public int LoiterSeconds { get; init; }
}

/// <summary>
/// How a camera is watched. The source URL is kept without its credentials; those are sealed (AES-GCM under the
/// secrets directory's camera key) in <see cref="SealedCredentials"/> and never leave the process that opens the stream.
/// </summary>
public sealed record CameraSettings
{
    public required string Url { get; init; }

    /// <summary>The URL's user information, sealed; null when the source needs none.</summary>
    public string? SealedCredentials { get; init; }

    /// <summary>RTSP only: tcp (default) or udp.</summary>
    public string RtspTransport { get; init; } = "tcp";

    /// <summary>Frames analysed per second (the detect rate).</summary>
    public double Fps { get; init; } = 5;

    /// <summary>Detect size; null keeps the source's aspect at a width of at most 1280.</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }

    /// <summary>Labels watched (COCO labels of the default detector, labels of registered custom detectors).</summary>
    public IReadOnlyList<string> Labels { get; init; } = ["person"];

    public IReadOnlyList<CameraZone> Zones { get; init; } = [];

    /// <summary>Polygons where motion is ignored (a clock, a tree, a road outside the fence).</summary>
    public IReadOnlyList<IReadOnlyList<RelativePoint>> MotionMasks { get; init; } = [];

    /// <summary>Read the plates of tracked vehicles (one read per vehicle, on its best frame).</summary>
    public bool ReadPlates { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>Days the camera's events (with their snapshots and clips) are kept; a legal hold on an event's case keeps it longer.</summary>
    public int RetainDays { get; init; } = DefaultRetainDays;

    public const int DefaultRetainDays = 30;
}

/// <summary>A registered camera. <see cref="UpdatedAt"/> changes with every change of its settings.</summary>
public sealed record CameraRecord(string Name, CameraSettings Settings, string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class CameraStates
{
    public const string Starting = "starting";
    public const string Streaming = "streaming";
    public const string Reconnecting = "reconnecting";
    public const string Error = "error";

    /// <summary>Enabled = false: not watched.</summary>
    public const string Disabled = "disabled";

    /// <summary>No server has reported on the camera recently (none is running, or it has not picked the camera up yet).</summary>
    public const string Idle = "idle";
}

/// <summary>What the worker watching a camera last reported about it.</summary>
public sealed record CameraStatus(
    string Camera,
    string State,
    string? Reason,
    double MeasuredFps,
    long FramesReceived,
    long FramesAnalysed,
    long FramesDropped,
    long FramesWithMotion,
    int Restarts,
    int? Width,
    int? Height,
    DateTimeOffset? LastFrameAt,
    DateTimeOffset UpdatedAt,
    string Node);

/// <summary>
/// Cameras (adding and removing audited in the same transaction) and the status their workers report. The camera's
/// whole working state is here, so any node may pick a camera up.
/// </summary>
public interface ICameraStore
{
    /// <summary>Throws ResourceAlreadyExists when the name is taken.</summary>
    Task AddCameraAsync(AuditEntry audit, CameraRecord camera, CancellationToken cancellationToken);

    /// <summary>Replaces a camera's settings (its <see cref="CameraRecord.UpdatedAt"/> given); ResourceNotFound when there is none.</summary>
    Task UpdateCameraAsync(AuditEntry audit, CameraRecord camera, CancellationToken cancellationToken);

    Task<CameraRecord?> GetCameraAsync(string name, CancellationToken cancellationToken);

    /// <summary>By name.</summary>
    Task<IReadOnlyList<CameraRecord>> ListCamerasAsync(CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when there was no such camera; its status goes with it.</summary>
    Task<bool> DeleteCameraAsync(AuditEntry audit, string name, CancellationToken cancellationToken);

    /// <summary>Replaces the camera's status; ignored when the camera is gone.</summary>
    Task SetCameraStatusAsync(CameraStatus status, CancellationToken cancellationToken);

    Task<IReadOnlyList<CameraStatus>> ListCameraStatusAsync(CancellationToken cancellationToken);
}

/// <summary>The settings as the providers store them (one JSON column).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CameraSettings))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(EventSweepDetails))]
public sealed partial class CameraJson : JsonSerializerContext;

/// <summary>What both providers write about a camera: the audit details of a change, and the settings read back.</summary>
public static class CameraAudit
{
    /// <summary>The camera's name and URL (never its credentials, which are not in the URL).</summary>
    public static string Details(CameraRecord camera) =>
        System.Text.Json.JsonSerializer.Serialize(new[] { camera.Name, camera.Settings.Url }, CameraJson.Default.StringArray);

    public static CameraSettings Settings(string json, string camera) =>
        System.Text.Json.JsonSerializer.Deserialize(json, CameraJson.Default.CameraSettings)
        ?? throw new SightlineException(ErrorKind.Internal, $"The stored settings of camera '{camera}' are empty.");
}
