using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.StoredVideo;
using Sightline.StoredVideo.Redaction;

namespace Sightline.Server.Native;

/// <summary>POST /v1/jobs/redaction: the video in a bucket, what to cover (faces, plates, regions "x,y,w,h@from-to") and how.</summary>
public sealed record RedactionBody(VideoLocation? Video, bool? Faces, bool? Plates, IReadOnlyList<int>? KeepPersons, IReadOnlyList<string>? Regions, bool? Audio, string? Style,
    int? MinFaceSize);

/// <summary>POST /v1/jobs/redaction/{jobId}/export: whom to keep visible (default: as asked at the start), optionally another style or sound, and verify (the detector checks every output frame).</summary>
public sealed record RedactionExportBody(IReadOnlyList<int>? KeepPersons, bool? Audio, string? Style, bool? Verify);

public sealed record StartRedactionResponse(string JobId);

/// <summary>
/// Redaction of stored videos for release on the native API: start (the plan is made in the background), review
/// (status with the plan's tracks, and frames with the planned boxes drawn), export with the persons to keep, and
/// download. Administrators only: a plan and its previews show the faces the release hides.
/// </summary>
public static class NativeRedaction
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/jobs/redaction", async (HttpRequest request, RedactionJobs jobs, CancellationToken ct) =>
        {
            var body = await ReadAsync(request, RedactionBodyJson.Default.RedactionBody, ct);
            var video = body.Video ?? throw SightlineException.InvalidParameter("video (bucket, name) is required.");
            var options = new RedactionOptions
            {
                Faces = body.Faces ?? true,
                Plates = body.Plates ?? false,
                KeepPersons = body.KeepPersons ?? [],
                Regions = [.. (body.Regions ?? []).Take(RedactionOptions.MaxRegions + 1).Select(ManualRegion.Parse)],
                Audio = body.Audio ?? true,
                Style = Style(body.Style) ?? CoverStyle.Pixelate,
                MinFaceSize = body.MinFaceSize ?? new RedactionOptions().MinFaceSize,
            };
            var audit = RequestIdentity.AuditOf(request.HttpContext);
            string id = await jobs.StartAsync(new RedactionRequest(new VideoSource(video.Bucket, video.Name), options), JobAdmission.Of(audit.Actor, audit), ct);
            return Results.Accepted($"/v1/jobs/redaction/{id}", new StartRedactionResponse(id));
        }).Op("StartRedaction", Capability.Administer, "Redact a stored video for release: faces (and plates, regions) are planned on every frame; poll the job, review, then export")
            .Accepts<RedactionBody>("application/json").Produces<StartRedactionResponse>(StatusCodes.Status202Accepted);

        v1.MapGet("/jobs/redaction/{jobId}", async (string jobId, RedactionJobs jobs, CancellationToken ct) => Results.Ok(await jobs.GetAsync(jobId, ct)))
            .Op("GetRedaction", Capability.Administer, "A redaction job's status (PLANNING, REVIEW, EXPORTING, SUCCEEDED, FAILED), its plan's tracks and its output")
            .Produces<RedactionJobView>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/jobs/redaction/{jobId}/preview.jpg", async (string jobId, HttpRequest request, RedactionJobs jobs, CancellationToken ct) =>
        {
            double seconds = NativeInput.Float(request, "t", 0, float.MaxValue) ?? 0;
            var keep = NativeInput.Text(request, "keep") is { } k ? Indexes(k) : null;
            return Results.Bytes(await jobs.PreviewAsync(jobId, seconds, keep, ct), "image/jpeg");
        }).Op("PreviewRedaction", Capability.Administer, "The frame at ?t=SECONDS with the planned boxes drawn and numbered (red: covered; green: kept; ?keep=1,4 to try a choice)")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPost("/jobs/redaction/{jobId}/export", async (string jobId, HttpRequest request, RedactionJobs jobs, CancellationToken ct) =>
        {
            var body = request.ContentLength is 0 ? new RedactionExportBody(null, null, null, null) : await ReadAsync(request, RedactionBodyJson.Default.RedactionExportBody, ct);
            await jobs.ExportAsync(jobId, body.KeepPersons, body.Audio, Style(body.Style), body.Verify ?? false, RequestIdentity.AuditOf(request.HttpContext), ct);
            return Results.Accepted($"/v1/jobs/redaction/{jobId}", await jobs.GetAsync(jobId, ct));
        }).Op("ExportRedaction", Capability.Administer, "Render the reviewed plan (keepPersons: face tracks left visible) to H.264 MP4; recorded in the audit chain")
            .Accepts<RedactionExportBody>("application/json").Produces<RedactionJobView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/jobs/redaction/{jobId}/output.mp4", async (string jobId, RedactionJobs jobs, CancellationToken ct) =>
            Results.File(await jobs.OutputAsync(jobId, ct), "video/mp4", "redacted-" + jobId + ".mp4", enableRangeProcessing: true))
            .Op("DownloadRedaction", Capability.Administer, "The redacted video of a job that SUCCEEDED")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/jobs/redaction/{jobId}/redaction.json", async (string jobId, RedactionJobs jobs, CancellationToken ct) =>
            Results.File(await jobs.LogAsync(jobId, ct), "application/json"))
            .Op("GetRedactionLog", Capability.Administer, "The redaction log of a job that SUCCEEDED (its SHA-256 is in the audit chain)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static CoverStyle? Style(string? style) => style switch
    {
        null => null,
        "pixelate" => CoverStyle.Pixelate,
        "blur" => CoverStyle.Blur,
        _ => throw SightlineException.InvalidParameter($"style must be pixelate or blur, got '{(style.Length > 40 ? style[..40] + "…" : style)}'."),
    };

    private static List<int> Indexes(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(RedactionOptions.MaxKept + 1).Select(s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i
                : throw SightlineException.InvalidParameter("Query parameter 'keep' must be track indexes separated by commas, e.g. keep=0,3."))];

    private static async Task<T> ReadAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
            throw SightlineException.InvalidParameter($"Send a JSON body with Content-Type application/json; got '{request.ContentType}'.");
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, ct).ConfigureAwait(false) ?? throw SightlineException.InvalidParameter("The JSON body is empty.");
        }
        catch (JsonException ex)
        {
            throw SightlineException.Serialization($"The JSON body is not valid for this request at {RekognitionRequestReader.Describe(ex)}", ex);
        }
    }
}

/// <summary>Runs the redaction jobs in the background while the server runs.</summary>
internal sealed class RedactionJobWorker(RedactionJobs jobs) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => jobs.RunAsync(stoppingToken);
}

/// <summary>The redaction bodies, read as the other native bodies are (camelCase, numbers as numbers, bounded nesting).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, MaxDepth = RekognitionRequestReader.MaxDepth)]
[JsonSerializable(typeof(RedactionBody))]
[JsonSerializable(typeof(RedactionExportBody))]
internal sealed partial class RedactionBodyJson : JsonSerializerContext;
