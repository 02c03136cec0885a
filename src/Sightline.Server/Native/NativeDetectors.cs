using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Alerts;
using Sightline.Detectors;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Server.Native;

public sealed record RegionBody(float Left, float Top, float Width, float Height);

public sealed record AlertRuleBody(string? Label, float? MinConfidence, RegionBody? Region, string? Webhook, IReadOnlyList<string>? Cameras = null, IReadOnlyList<string>? Zones = null,
    IReadOnlyList<string>? Emails = null, IReadOnlyList<string>? Sms = null);

/// <summary>Custom detectors (register, list, remove, detect) and alert rules and alerts (native API).</summary>
public static class NativeDetectors
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/detectors", async (HttpRequest request, DetectorRegistry registry, CancellationToken ct) =>
        {
            // A model is bigger than an image: this upload alone may go up to the registry's limit.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = DetectorRegistry.MaxModelBytes + 1024 * 1024;
            if (!request.HasFormContentType)
                throw SightlineException.InvalidParameter("Send multipart/form-data with file parts 'model' (ONNX) and 'labels' (one class per line) and fields 'id', optionally 'layout' and 'inputSize'.");
            request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = DetectorRegistry.MaxModelBytes + 1024 * 1024 }));
            var form = await NativeInput.FormAsync(request, ct);
            var model = form.Files.GetFile("model") ?? throw SightlineException.InvalidParameter("The multipart body has no file part named 'model'.");
            string labels = form.Files.GetFile("labels") is { } file ? await ReadTextAsync(file, ct) : form["labels"].ToString();
            int? inputSize = form["inputSize"].ToString() is { Length: > 0 } text
                ? int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : throw SightlineException.InvalidParameter($"inputSize must be a whole number, got '{text}'.")
                : null;
            using var stream = model.OpenReadStream();
            var record = await registry.RegisterAsync(RequestIdentity.AuditOf(request.HttpContext), form["id"].ToString(), stream, labels, form["layout"].ToString(), inputSize,
                RequestIdentity.Of(request.HttpContext).Principal?.AccessKeyId, ct);
            return Results.Created($"/v1/detectors/{record.Id}", record);
        }).Op("RegisterDetector", Capability.Administer, "Register an ONNX object detector (multipart: model, labels, id, layout auto|yolov5|yolov8|ssd, inputSize); rejected with the reason when it does not fit (audited)")
            .Accepts<IFormFile>("multipart/form-data").Produces<DetectorRecord>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapGet("/detectors", async (DetectorRegistry registry, CancellationToken ct) => Results.Ok(new { detectors = await registry.ListAsync(ct) }))
            .Op("ListDetectors", Capability.Read, "Registered detectors: layout, input size, labels, model SHA-256");

        v1.MapDelete("/detectors/{detectorId}", async (string detectorId, HttpContext context, DetectorRegistry registry, CancellationToken ct) =>
        {
            await registry.RemoveAsync(RequestIdentity.AuditOf(context), detectorId, ct);
            return Results.NoContent();
        }).Op("RemoveDetector", Capability.Administer, "Remove a detector and its model file (audited)");

        v1.MapPost("/detectors/{detectorId}/detect", async (string detectorId, HttpRequest request, ImageDecoder decoder, DetectorRegistry registry, CancellationToken ct) =>
        {
            float? min = NativeInput.Float(request, "minConfidence", 0, 100);
            int? max = NativeInput.Int(request, "maxResults", 0, DetectorRegistry.MaxResultsLimit);
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            return Results.Ok(await registry.DetectAsync(detectorId, image, min, max, RequestIdentity.Of(request.HttpContext).Probe, ct));
        }).Op("DetectCustomLabels", Capability.Detect, "Run a registered detector on an uploaded image (minConfidence, maxResults); matches of alert rules raise alerts")
            .AcceptsImage().Produces<DetectCustomLabelsResponse>();

        MapAlerts(v1);
    }

    private static void MapAlerts(RouteGroupBuilder v1)
    {
        v1.MapGet("/alert-rules", async (IAlertStore alerts, CancellationToken ct) => Results.Ok(new { rules = (await alerts.ListAlertRulesAsync(ct)).Select(AlertRuleView.From) }))
            .Op("ListAlertRules", Capability.Administer, "Alert rules (secrets are never listed)");

        v1.MapPost("/alert-rules", async (HttpRequest request, IAlertStore alerts, AlertSecrets secrets, Outbound.OutboundPolicy outbound, AlertChannels channels, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<AlertRuleBody>(request, ct);
            var region = body.Region is { } r ? new NormalBox(r.Left, r.Top, r.Width, r.Height) : null;
            var targets = new AlertRuleTargets(body.Cameras, body.Zones, body.Emails, body.Sms);
            var (rule, secret) = AlertRules.Create(body.Label, body.MinConfidence, region, body.Webhook, targets, RequestIdentity.Of(request.HttpContext).Principal?.AccessKeyId,
                DateTimeOffset.UtcNow, secrets, outbound, channels);
            await alerts.AddAlertRuleAsync(RequestIdentity.AuditOf(request.HttpContext), rule, ct);
            return Results.Created($"/v1/alert-rules/{rule.Id}", CreatedAlertRule.From(rule, secret));
        }).Op("CreateAlertRule", Capability.Administer, "Alert when label ≥ minConfidence [centred in region] [on cameras] [in zones] is detected: a signed POST to the webhook, email, SMS; the secret is shown only here (audited)")
            .Accepts<AlertRuleBody>("application/json").Produces<CreatedAlertRule>(StatusCodes.Status201Created);

        v1.MapDelete("/alert-rules/{ruleId}", async (string ruleId, HttpContext context, IAlertStore alerts, CancellationToken ct) =>
            await alerts.DeleteAlertRuleAsync(RequestIdentity.AuditOf(context), ruleId, ct) ? Results.NoContent() : throw new SightlineException(ErrorKind.ResourceNotFound, $"No alert rule '{ruleId}'."))
            .Op("RemoveAlertRule", Capability.Administer, "Remove an alert rule (its alerts are kept; audited)");

        v1.MapGet("/alerts", async (HttpRequest request, IAlertStore alerts, CancellationToken ct) =>
            Results.Ok(new { alerts = await alerts.ListAlertsAsync(NativeInput.Text(request, "status"), NativeInput.Int(request, "limit", 1, 10_000) ?? 1000, ct) }))
            .Op("ListAlerts", Capability.Read, "Alerts raised, newest first, with their delivery status (queued, delivered, failed, dropped)");
    }

    private static async Task<string> ReadTextAsync(IFormFile file, CancellationToken ct)
    {
        if (file.Length > 4 * 1024 * 1024)
            throw SightlineException.InvalidParameter("The labels file is larger than 4 MiB.");
        using var reader = new StreamReader(file.OpenReadStream());
        return await reader.ReadToEndAsync(ct);
    }
}
