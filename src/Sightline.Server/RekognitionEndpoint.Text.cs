using Sightline.Rekognition;
using Sightline.Text;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    private DetectTextResponse DetectText(DetectTextApiRequest request, CancellationToken ct)
    {
        var filters = Filters(request.Filters);
        using var image = Decode(request.Image, "Image");
        return TextResponses.ToRekognition(text.Read(image, ct), image.Width, image.Height, filters, text.ModelVersion);
    }

    /// <summary>Rekognition's DetectText Filters, validated: confidence 0–100, sizes and regions as ratios 0–1, at most 10 regions.</summary>
    internal static TextFilters Filters(DetectTextFiltersInput? input)
    {
        var w = input?.WordFilter;
        var regions = input?.RegionsOfInterest ?? [];
        if (regions.Count > TextFilters.MaxRegions)
            throw SightlineException.InvalidParameter($"Filters.RegionsOfInterest holds at most {TextFilters.MaxRegions} regions, got {regions.Count}.");
        return new TextFilters(
            Collections.Validate.Range("Filters.WordFilter.MinConfidence", w?.MinConfidence, 0, 0, 100),
            Collections.Validate.Range("Filters.WordFilter.MinBoundingBoxHeight", w?.MinBoundingBoxHeight, 0, 0, 1),
            Collections.Validate.Range("Filters.WordFilter.MinBoundingBoxWidth", w?.MinBoundingBoxWidth, 0, 0, 1),
            [.. regions.Select((r, i) => TextFilters.Region(r.BoundingBox, r.Polygon, $"Filters.RegionsOfInterest[{i}]"))]);
    }
}
