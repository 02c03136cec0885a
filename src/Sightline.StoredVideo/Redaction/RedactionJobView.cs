using Sightline.Rekognition;

namespace Sightline.StoredVideo.Redaction;

/// <summary>What a redaction job asks for: the video in a bucket, and what to cover and how.</summary>
public sealed record RedactionRequest(VideoSource Video, RedactionOptions Options);

/// <summary>An export asked of a reviewed job: whom to keep visible (and optionally another style or sound, a verification pass), and who asked (for the audit chain).</summary>
public sealed record RedactionExportRequest(IReadOnlyList<int> KeepPersons, bool Audio, CoverStyle Style, RedactedBy By, bool Verify = false);

/// <summary>A track as a reviewer sees it: where and when it is, how much of it the detector saw, and its box when first seen (fractions of the frame).</summary>
public sealed record TrackSummary(int Index, TrackKind Kind, int FirstFrame, int LastFrame, double FirstSeconds, double LastSeconds, int DetectedFrames, int CoveredFrames,
    bool Kept, BoundingBox Box);

/// <summary>A plan as a reviewer sees it.</summary>
public sealed record PlanSummary(int Width, int Height, string FrameRate, int Frames, double DurationSeconds, string Detector, IReadOnlyList<TrackSummary> Tracks)
{
    public static PlanSummary Of(RedactionPlan plan, IReadOnlyCollection<int> keep)
    {
        var s = plan.Source;
        return new PlanSummary(s.Width, s.Height, s.FrameRate, s.Frames, s.DurationMillis / 1000.0, plan.Detector, [.. plan.Tracks.Select(t =>
        {
            // The box at the first frame the detector saw it (the first frame of an extension is where it was then too).
            var b = t.Boxes.Count > 0 ? t.Boxes[0] : new TrackBox(t.FirstFrame, 0, 0, 0, 0);
            return new TrackSummary(t.Index, t.Kind, t.FirstFrame, t.LastFrame, Math.Round(t.FirstFrame / s.Fps, 3), Math.Round(t.LastFrame / s.Fps, 3), t.DetectedFrames,
                t.CoveredFrames, keep.Contains(t.Index), new BoundingBox(b.Width / (float)s.Width, b.Height / (float)s.Height, b.X / (float)s.Width, b.Y / (float)s.Height));
        })]);
    }
}

/// <summary>What an export wrote: the output's and its log's SHA-256, its frames, size and rate, and the verification pass when asked for.</summary>
public sealed record RedactionOutput(string Sha256, string LogSha256, int Frames, int Width, int Height, string FrameRate, string? Audio, IReadOnlyList<int> KeptPersons,
    RedactionCheck? Verification);

/// <summary>
/// A redaction job's state: PLANNING, then REVIEW (the plan is ready: check it with previews, choose whom to keep,
/// then export), EXPORTING, SUCCEEDED (the output can be downloaded) or FAILED.
/// </summary>
public sealed record RedactionJobView(string JobId, string Status, string? StatusMessage, double? Progress, VideoSource Video, RedactionOptions Options,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, PlanSummary? Plan, RedactionOutput? Output);
