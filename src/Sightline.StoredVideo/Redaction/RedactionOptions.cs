using System.Text.Json.Serialization;

namespace Sightline.StoredVideo.Redaction;

/// <summary>How a planned box is covered.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CoverStyle>))]
public enum CoverStyle
{
    /// <summary>Large flat blocks (a box is at most <see cref="Cover.Cells"/> blocks across): nothing of a face's features is left.</summary>
    [JsonStringEnumMemberName("pixelate")]
    Pixelate,

    /// <summary>A strong Gaussian blur (sigma a quarter of the box's longer side).</summary>
    [JsonStringEnumMemberName("blur")]
    Blur,
}

/// <summary>
/// What a redaction covers and how. Detection looks at every frame; a track's coverage is made leak-proof by
/// bridging missed frames (<see cref="MaxGapSeconds"/>), extending before and after (<see cref="ExtendSeconds"/>)
/// and a margin around each box (<see cref="Margin"/>).
/// </summary>
public sealed record RedactionOptions
{
    public bool Faces { get; init; } = true;

    public bool Plates { get; init; }

    /// <summary>Areas covered whatever is seen there (a screen, a house number).</summary>
    public IReadOnlyList<ManualRegion> Regions { get; init; } = [];

    /// <summary>Face tracks (by index in the plan) left visible: the subject of a release, an officer.</summary>
    public IReadOnlyList<int> KeepPersons { get; init; } = [];

    /// <summary>Keep the sound (AAC); false removes it.</summary>
    public bool Audio { get; init; } = true;

    public CoverStyle Style { get; init; } = CoverStyle.Pixelate;

    /// <summary>Added on each side of a detected box, as a fraction of its width (left, right) and height (top, bottom).</summary>
    public float Margin { get; init; } = 0.25f;

    /// <summary>A track missed by the detector for up to this long between two detections is covered through the gap (box interpolated).</summary>
    public double MaxGapSeconds { get; init; } = 0.5;

    /// <summary>Each track is also covered this long before its first and after its last detection (a face turning in or out of view).</summary>
    public double ExtendSeconds { get; init; } = 0.25;

    /// <summary>
    /// Smallest face, in pixels of the frame, the detector looks for. Below the default engine's 36 px: a bystander in
    /// the background is small, and a face too small to detect still shows who it is to someone who knows them.
    /// </summary>
    public int MinFaceSize { get; init; } = 20;

    /// <summary>Plates are looked for on every this many frames (plate reading costs several face detections); tracks bridge the frames between.</summary>
    public int PlateStride { get; init; } = 3;

    /// <summary>Refuses options no redaction can honour (InvalidParameter naming the option).</summary>
    public RedactionOptions Validated()
    {
        if (!Faces && !Plates && Regions.Count == 0)
            throw SightlineException.InvalidParameter("Nothing to redact: ask for faces, plates or a region.");
        if (Margin is < 0 or > 2 || float.IsNaN(Margin))
            throw SightlineException.InvalidParameter($"The margin must be from 0 to 2 (a fraction of the box), got {Margin}.");
        if (MaxGapSeconds is < 0 or > 10 || ExtendSeconds is < 0 or > 10 || double.IsNaN(MaxGapSeconds) || double.IsNaN(ExtendSeconds))
            throw SightlineException.InvalidParameter("The gap and extension must be from 0 to 10 seconds.");
        if (MinFaceSize is < 12 or > 400)
            throw SightlineException.InvalidParameter($"The smallest face must be from 12 to 400 pixels, got {MinFaceSize}.");
        if (PlateStride is < 1 or > 30)
            throw SightlineException.InvalidParameter($"The plate stride must be from 1 to 30 frames, got {PlateStride}.");
        if (Regions.Count > MaxRegions)
            throw SightlineException.InvalidParameter($"At most {MaxRegions} regions, got {Regions.Count}.");
        if (KeepPersons.Count > MaxKept || KeepPersons.Any(k => k < 0))
            throw SightlineException.InvalidParameter($"Keep at most {MaxKept} persons, each a track index of 0 or more.");
        if (!Enum.IsDefined(Style))
            throw SightlineException.InvalidParameter("The style must be pixelate or blur.");
        return this with { KeepPersons = [.. KeepPersons.Distinct().Order()] };
    }

    public const int MaxRegions = 100;

    public const int MaxKept = 1000;

    /// <summary>Frames of a duration at a frame rate, rounded up: coverage errs towards covering more.</summary>
    public static int Frames(double seconds, double fps) => (int)Math.Ceiling(seconds * fps - 1e-9);
}
