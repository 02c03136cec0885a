using Sightline.Imaging;
using Sightline.Objects;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// DetectLabels with the alert rules: the detector runs once, down to the lowest rule's confidence when that is
/// below the caller's MinConfidence, and the rules see every instance whatever the caller's filters; the caller
/// gets the response it asked for.
/// </summary>
public sealed class LabelDesk(LabelEngine engine, IAlertEvaluator alerts)
{
    /// <param name="imageRef">Which image (a SHA-256 of the bytes, or where they came from) for the alert records; never the image.</param>
    public async Task<DetectLabelsResponse> DetectLabelsAsync(DecodedImage image, LabelQuery query, string? imageRef, CancellationToken ct)
    {
        var (response, instances) = engine.DetectLabels(image, query, await alerts.LowestMinConfidenceAsync(ct).ConfigureAwait(false), ct);
        if (instances.Count > 0)
            await alerts.EvaluateAsync("labels", imageRef, [.. instances.Select(i => new LabelledBox(i.Label, i.Confidence, new NormalBox(i.Box.Left, i.Box.Top, i.Box.Width, i.Box.Height)))], ct).ConfigureAwait(false);
        return response;
    }
}
