namespace Sightline.StoredVideo;

/// <summary>
/// StartSegmentDetection's request: which segment types (<see cref="Shot"/>, <see cref="TechnicalCue"/>) and the
/// filters, with Rekognition's defaults (segments of confidence ≥ 50; a black frame is one whose pixels are 99% at or
/// below 20% luminance).
/// </summary>
public sealed record SegmentRequest(IReadOnlyList<string> Types)
{
    public const string Shot = "SHOT";
    public const string TechnicalCue = "TECHNICAL_CUE";

    public float ShotMinConfidence { get; init; } = 50;
    public float CueMinConfidence { get; init; } = 50;

    /// <summary>BlackFrame.MaxPixelThreshold: the highest luminance (0–1 of the full range) a black pixel has.</summary>
    public float BlackMaxPixel { get; init; } = 0.2f;

    /// <summary>BlackFrame.MinCoveragePercentage: the share of a frame's pixels (0–100) that must be black.</summary>
    public float BlackMinCoverage { get; init; } = 99;

    /// <summary>Checks the types and ranges, naming the field at fault.</summary>
    public SegmentRequest Validate()
    {
        if (Types is not { Count: > 0 and <= 2 } || Types.Any(t => t is not (Shot or TechnicalCue)) || Types.Distinct().Count() != Types.Count)
            throw SightlineException.InvalidParameter($"SegmentTypes must hold one or both of {TechnicalCue} and {Shot}.");
        Check("Filters.ShotFilter.MinSegmentConfidence", ShotMinConfidence, 50, 100);
        Check("Filters.TechnicalCueFilter.MinSegmentConfidence", CueMinConfidence, 50, 100);
        Check("Filters.TechnicalCueFilter.BlackFrame.MaxPixelThreshold", BlackMaxPixel, 0, 1);
        Check("Filters.TechnicalCueFilter.BlackFrame.MinCoveragePercentage", BlackMinCoverage, 0, 100);
        return this;
    }

    private static void Check(string name, float value, float min, float max)
    {
        if (!(value >= min && value <= max))
            throw SightlineException.InvalidParameter($"{name} must be between {min} and {max}, got {value}.");
    }
}
