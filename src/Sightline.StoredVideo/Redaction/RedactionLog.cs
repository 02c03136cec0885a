using System.Text.Json;
using System.Text.Json.Serialization;
using Sightline.Storage;

namespace Sightline.StoredVideo.Redaction;

/// <summary>Who ran a redaction, as the audit chain names them.</summary>
public sealed record RedactedBy(string Actor, string Role, string? Case, string? Purpose)
{
    public static RedactedBy Of(AuditEntry entry) => new(entry.Actor, entry.Role, entry.Case, entry.Purpose);
}

/// <summary>A video as the log describes it: the name it had, its SHA-256, size, rate, frames and sound.</summary>
public sealed record LoggedVideo(string Name, string Sha256, int Width, int Height, string FrameRate, int Frames, string? Audio);

/// <summary>
/// The face detector (the engine's, as every analysis uses it) run again on every frame of an output: faces it still
/// finds, and of those the ones outside the boxes of kept persons (which should be none), with the first frames they
/// were found on.
/// </summary>
public sealed record RedactionCheck(int Frames, int FacesFound, int FacesNotKept, IReadOnlyList<int> FramesWithFacesNotKept);

/// <summary>One track as redacted: where it was, how many frames were covered (0 when kept visible).</summary>
public sealed record LoggedTrack(int Index, TrackKind Kind, int FirstFrame, int LastFrame, int DetectedFrames, int CoveredFrames, bool Kept);

/// <summary>
/// The record of one redaction, stored next to its output (<c>OUT.redaction.json</c>) and named in the audit chain by
/// its SHA-256: what was read, what was written, with which options and detector, what each track became, who ran it.
/// </summary>
public sealed record RedactionLog(DateTimeOffset At, RedactedBy By, LoggedVideo Source, LoggedVideo Output, RedactionOptions Options, string Detector,
    IReadOnlyList<LoggedTrack> Tracks)
{
    public const string Operation = "RedactVideo";

    /// <summary>The face detector's look at every frame of the output, when the export asked for it.</summary>
    public RedactionCheck? Verification { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, RedactionJsonContext.Default.RedactionLog);

    public static RedactionLog FromJson(string json) =>
        JsonSerializer.Deserialize(json, RedactionJsonContext.Default.RedactionLog) ?? throw new SightlineException(ErrorKind.Internal, "The redaction log is unreadable.");

    /// <summary>Where the log of an output is stored: <c>OUT.redaction.json</c> beside <c>OUT.mp4</c>.</summary>
    public static string PathFor(string outputPath) => Path.ChangeExtension(outputPath, ".redaction.json");

    /// <summary>The audit entry's details: the output's and the log's SHA-256 and what was covered (the source's is the entry's probe).</summary>
    internal string AuditDetails(string logSha256) => JsonSerializer.Serialize(new RedactionAuditDetails(
        "sha256:" + Source.Sha256, "sha256:" + Output.Sha256, "sha256:" + logSha256, Output.Frames, Tracks.Count, Tracks.Sum(t => t.CoveredFrames),
        [.. Tracks.Where(t => t.Kept).Select(t => t.Index)]), RedactionJsonContext.Default.RedactionAuditDetails);
}

internal sealed record RedactionAuditDetails(string Source, string Output, string Log, int Frames, int Tracks, int CoveredBoxes, IReadOnlyList<int> Kept);

/// <summary>The redaction's stored documents, source-generated: camelCase, enums by their names (face, pixelate).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RedactionPlan))]
[JsonSerializable(typeof(RedactionLog))]
[JsonSerializable(typeof(RedactionAuditDetails))]
[JsonSerializable(typeof(RedactionRequest))]
[JsonSerializable(typeof(RedactionExportRequest))]
internal sealed partial class RedactionJsonContext : JsonSerializerContext;
