using Sightline.Rekognition;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    /// <summary>DetectCustomLabels on a registered detector; ProjectVersionArn is its id or an ARN naming it.</summary>
    private DetectCustomLabelsResponse DetectCustomLabels(DetectCustomLabelsRequest r, CancellationToken ct)
    {
        string id = detectors.ResolveId(r.ProjectVersionArn);
        using var image = Decode(r.Image, "Image");
        string? imageRef = AuditFacts.ProbeOf(r.Image);
        return detectors.Detect(id, image, r.MinConfidence, r.MaxResults, imageRef, ct);
    }
}
