using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>One labelled instance from any detection result (custom labels, DetectLabels, a hotlist hit). Confidence is 0–100.</summary>
public sealed record LabelledBox(string Label, float Confidence, NormalBox Box);

/// <summary>A camera event as the alert rules see it: its camera and id, label, score (0–100), box and the zones it has been in.</summary>
public sealed record CameraEventAlert(string Camera, string EventId, string Label, float Score, NormalBox Box, IReadOnlyList<string> Zones, DateTimeOffset At);

/// <summary>
/// Checks detection results against the alert rules. Every match is recorded as an alert and queued for its rule's
/// webhook; callers (image detection now, video and streams later) only hand over what they found.
/// </summary>
public interface IAlertEvaluator
{
    /// <param name="source">What produced the result, e.g. <c>detector:weapons</c>.</param>
    /// <param name="imageRef">Which image: a SHA-256 of the bytes or where they came from; never the image.</param>
    /// <returns>The alerts raised (none when no rule matched).</returns>
    Task<IReadOnlyList<AlertRecord>> EvaluateAsync(string source, string? imageRef, IReadOnlyList<LabelledBox> boxes, CancellationToken cancellationToken);

    /// <summary>
    /// Checks a camera event: when it starts (<paramref name="zonesBefore"/> null) and when it enters zones it was not in
    /// (<paramref name="zonesBefore"/> the zones before). Each rule fires at most once per event (see <see cref="AlertEvaluator.FiresFor"/>).
    /// </summary>
    Task<IReadOnlyList<AlertRecord>> EvaluateEventAsync(CameraEventAlert ev, IReadOnlyList<string>? zonesBefore, CancellationToken cancellationToken);

    /// <summary>The lowest confidence any rule alerts at (0–100), or null without rules: detectors run down to it, whatever the caller asked for.</summary>
    Task<float?> LowestMinConfidenceAsync(CancellationToken cancellationToken);
}
