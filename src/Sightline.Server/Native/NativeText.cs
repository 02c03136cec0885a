using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Text;

namespace Sightline.Server.Native;

/// <summary>Text detection on the native API.</summary>
public static class NativeText
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/text/detect", async (HttpRequest request, ImageDecoder decoder, TextEngine text, CancellationToken ct) =>
        {
            var regions = request.Query["region"].Select((r, i) => Region(r, i)).ToList();
            var filters = RekognitionEndpoint.Filters(new DetectTextFiltersInput(
                new WordFilterInput(NativeInput.Float(request, "minConfidence", 0, 100), NativeInput.Float(request, "minBoundingBoxHeight", 0, 1), NativeInput.Float(request, "minBoundingBoxWidth", 0, 1)),
                regions));
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            return Results.Ok(TextResponses.ToRekognition(text.Read(image, ct), image.Width, image.Height, filters, text.ModelVersion));
        }).Op("DetectText", Capability.Detect, "Lines and words of text in an uploaded image (minConfidence, minBoundingBoxHeight/Width, region=left,top,width,height repeated)")
            .AcceptsImage().Produces<DetectTextResponse>();
    }

    private static RegionOfInterestInput Region(string? text, int index)
    {
        var parts = (text ?? "").Split(',');
        var values = parts.Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : float.NaN).ToArray();
        if (values.Length != 4 || values.Any(float.IsNaN))
            throw SightlineException.InvalidParameter($"Query parameter 'region' #{index + 1} must be left,top,width,height as ratios of the image, got '{text}'.");
        return new RegionOfInterestInput(new BoundingBox(values[2], values[3], values[0], values[1]), null);
    }
}
