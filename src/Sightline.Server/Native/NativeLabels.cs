using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Imaging;
using Sightline.Objects;
using Sightline.Rekognition;

namespace Sightline.Server.Native;

/// <summary>
/// <c>POST /v1/labels/detect</c>: DetectLabels on an uploaded image. Query: minConfidence, maxLabels, and the
/// general-label filters as comma-separated lists (include, exclude, includeCategories, excludeCategories).
/// </summary>
internal static class NativeLabels
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/labels/detect", async (HttpRequest request, ImageDecoder decoder, Alerts.LabelDesk desk, CancellationToken ct) =>
        {
            var query = new LabelQuery
            {
                MinConfidence = NativeInput.Float(request, "minConfidence", 0, 100) ?? LabelQuery.DefaultMinConfidence,
                MaxLabels = NativeInput.Int(request, "maxLabels", 0, 4096),
                LabelInclusionFilters = List(request, "include"),
                LabelExclusionFilters = List(request, "exclude"),
                LabelCategoryInclusionFilters = List(request, "includeCategories"),
                LabelCategoryExclusionFilters = List(request, "excludeCategories"),
            }.Validate();
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            return Results.Ok(await desk.DetectLabelsAsync(image, query, RequestIdentity.Of(request.HttpContext).Probe, ct));
        }).Op("DetectLabels", Capability.Detect, "Detect labels (objects with boxes, their parents and categories) in an uploaded image; instances matching an alert rule raise alerts")
            .AcceptsImage().Produces<DetectLabelsResponse>();
    }

    private static string[]? List(HttpRequest request, string name) =>
        NativeInput.Text(request, name) is { } value ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;
}
