using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Alerts;
using Sightline.Imaging;
using Sightline.Storage;
using Sightline.Text;

namespace Sightline.Server.Native;

public sealed record HotlistEntryBody(string? Reason, DateTimeOffset? ExpiresAt);

/// <summary>Licence plates and hotlists on the native API.</summary>
public static class NativePlates
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/plates/read", async (HttpRequest request, ImageDecoder decoder, PlateDesk desk, CancellationToken ct) =>
        {
            using var image = await ImageUpload.ReadAsync(request, decoder, "image", ct);
            var (plates, hits) = await desk.ReadAsync(image.Bgr, RequestIdentity.Of(request.HttpContext).Probe, ct);
            // Materialised here: the image is disposed before the response is written.
            var found = plates.Select(p => PlateJson.From(p, image.Width, image.Height)).ToList();
            return Results.Ok(new { plates = found, hotlistHits = hits });
        }).Op("ReadPlates", Capability.Detect, "Find and read licence plates in an uploaded image; reads matching a hotlist raise alerts (label hotlist:LIST)")
            .AcceptsImage();

        v1.MapGet("/hotlists", async (HttpRequest request, IHotlistStore hotlists, CancellationToken ct) =>
            Results.Ok(new { entries = await hotlists.ListHotlistEntriesAsync(NativeInput.Text(request, "list") is { } l ? HotlistMatcher.ListName(l) : null, null, ct) }))
            .Op("ListHotlists", Capability.Read, "Hotlist entries (?list= for one list)");

        v1.MapPut("/hotlists/{list}/entries/{plate}", async (string list, string plate, HttpRequest request, IHotlistStore hotlists, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<HotlistEntryBody>(request, ct);
            var entry = PlateDesk.Entry(list, plate, body.Reason, body.ExpiresAt, RequestIdentity.Of(request.HttpContext).Principal!.AccessKeyId);
            return Results.Ok(await hotlists.PutHotlistEntryAsync(RequestIdentity.AuditOf(request.HttpContext), entry, ct));
        }).Op("PutHotlistEntry", Capability.Administer, "Add or replace a plate on a hotlist with a reason and optional expiry (audited)")
            .Accepts<HotlistEntryBody>("application/json").Produces<HotlistEntry>();

        v1.MapDelete("/hotlists/{list}/entries/{plate}", async (string list, string plate, HttpContext context, IHotlistStore hotlists, CancellationToken ct) =>
        {
            string name = HotlistMatcher.ListName(list), normal = HotlistMatcher.Plate(plate);
            return await hotlists.RemoveHotlistEntryAsync(RequestIdentity.AuditOf(context), name, normal, ct) ? Results.NoContent()
                : throw new SightlineException(ErrorKind.ResourceNotFound, string.Create(CultureInfo.InvariantCulture, $"{normal} is not on hotlist {name}."));
        }).Op("RemoveHotlistEntry", Capability.Administer, "Remove a plate from a hotlist (audited)");
    }
}
