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
            Validate.Range("Filters.WordFilter.MinConfidence", w?.MinConfidence, 0, 100),
            Validate.Range("Filters.WordFilter.MinBoundingBoxHeight", w?.MinBoundingBoxHeight, 0, 1),
            Validate.Range("Filters.WordFilter.MinBoundingBoxWidth", w?.MinBoundingBoxWidth, 0, 1),
            [.. regions.Select((r, i) => TextFilters.Region(r.BoundingBox, r.Polygon, $"Filters.RegionsOfInterest[{i}]"))]);
    }

    private static class Validate
    {
        public static float Range(string name, float? value, float min, float max) => value switch
        {
            null => min,
            { } v when float.IsFinite(v) && v >= min && v <= max => v,
            { } v => throw SightlineException.InvalidParameter($"{name} must be between {min} and {max}, got {v}."),
        };
    }
}
