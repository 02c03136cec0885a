using Sightline.Objects;
using Sightline.Rekognition;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    private const string GeneralLabels = "GENERAL_LABELS", ImageProperties = "IMAGE_PROPERTIES";

    private async Task<DetectLabelsResponse> DetectLabelsAsync(DetectLabelsRequest request, CancellationToken ct)
    {
        var query = ToQuery(request);
        using var image = Decode(request.Image, "Image");
        string? imageRef = AuditFacts.ProbeOf(request.Image);
        return await labels.DetectLabelsAsync(image, query, imageRef, ct).ConfigureAwait(false);
    }

    /// <summary>Rekognition's parameters to the engine's query; everything is checked before the image is decoded.</summary>
    internal static LabelQuery ToQuery(DetectLabelsRequest request)
    {
        if (request.Features is { } features)
        {
            foreach (var f in features)
            {
                if (f == ImageProperties)
                    throw SightlineException.InvalidParameter("Feature IMAGE_PROPERTIES (colours, quality) is not supported by this server; ask for GENERAL_LABELS.");
                if (f != GeneralLabels)
                    throw SightlineException.InvalidParameter($"Unknown feature '{f}'. Valid: {GeneralLabels}, {ImageProperties}.");
            }
        }
        if (request.Settings?.ImageProperties is not null)
            throw SightlineException.InvalidParameter("Settings.ImageProperties is not supported by this server.");
        var general = request.Settings?.GeneralLabels;
        return new LabelQuery
        {
            MaxLabels = request.MaxLabels,
            MinConfidence = request.MinConfidence ?? LabelQuery.DefaultMinConfidence,
            LabelInclusionFilters = general?.LabelInclusionFilters,
            LabelExclusionFilters = general?.LabelExclusionFilters,
            LabelCategoryInclusionFilters = general?.LabelCategoryInclusionFilters,
            LabelCategoryExclusionFilters = general?.LabelCategoryExclusionFilters,
        }.Validate();
    }
}
