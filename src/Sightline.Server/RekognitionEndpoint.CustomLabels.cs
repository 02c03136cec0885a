using Sightline.Rekognition;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    /// <summary>DetectCustomLabels on a registered detector; ProjectVersionArn is its id or an ARN naming it.</summary>
    private async Task<DetectCustomLabelsResponse> DetectCustomLabelsAsync(DetectCustomLabelsRequest r, CancellationToken ct)
    {
        string id = await detectors.ResolveIdAsync(r.ProjectVersionArn, ct).ConfigureAwait(false);
        using var image = Decode(r.Image, "Image");
        string? imageRef = AuditFacts.ProbeOf(r.Image);
        return await detectors.DetectAsync(id, image, r.MinConfidence, r.MaxResults, imageRef, ct).ConfigureAwait(false);
    }
}
