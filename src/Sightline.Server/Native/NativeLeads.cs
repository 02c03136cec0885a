using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Identification;
using Sightline.Storage;

namespace Sightline.Server.Native;

/// <summary>
/// The review of leads on the native API: the queue, one lead with everything its reviewer needs to decide it (the
/// searched face, the candidate's enrolled faces, what the similarity means, who searched under which case and
/// purpose), and the decision.
/// </summary>
internal static class NativeLeads
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/leads", async (HttpRequest request, ILeadStore leads, CancellationToken ct) =>
            Results.Ok(new { leads = await leads.ListLeadsAsync(NativeInput.Text(request, "case"), LeadDesk.Status(NativeInput.Text(request, "status") ?? LeadStatus.Pending), NativeInput.Int(request, "limit", 1, 10_000) ?? 1000, ct).ToListAsync(ct) }))
            .Op("ListLeads", Capability.Review, "Leads awaiting review (status=pending by default; filter by case)");

        v1.MapGet("/leads/{leadId}", async (string leadId, HttpContext context, ILeadStore leads, IAuditStore audit, IPolicyStore policies, CollectionService collections,
            FaceComparer comparer, CancellationToken ct) =>
        {
            var lead = await RequireAsync(leads, leadId, ct);
            var principal = RequestIdentity.Of(context).Principal!;
            var policy = await policies.GetPolicyAsync(ct);
            return Results.Ok(await LeadReview.BuildAsync(lead, principal.AccessKeyId, policy, audit, collections, comparer.Calibration, ct));
        }).Op("DescribeLead", Capability.Review, "One lead for its reviewer: the search it came from (who, case, purpose, threshold, when), the candidate's enrolled faces, the similarity's estimated false-match rate, and whether this key may decide it")
            .Produces<LeadReview>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/leads/{leadId}/probe.jpg", async (string leadId, HttpContext context, ILeadStore leads, CancellationToken ct) =>
        {
            var lead = await RequireAsync(leads, leadId, ct);
            var jpeg = await leads.GetLeadProbeAsync(lead.LeadId, ct)
                ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Lead {lead.LeadId} has no searched-face image (searched by face id, by video, or before images were kept).");
            return Private(context, jpeg);
        }).Op("GetLeadProbe", Capability.Review, "The searched face the lead was made from (JPEG, kept only while a lead points at it)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/collections/{collectionId}/faces/{faceId}/image.jpg", async (string collectionId, string faceId, HttpContext context, CollectionService collections, CancellationToken ct) =>
        {
            var jpeg = await collections.GetFaceImageAsync(collectionId, faceId, ct)
                ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Face {faceId} in collection {collectionId} has no image (unknown face, or indexed before images were kept).");
            return Private(context, jpeg);
        }).Op("GetFaceImage", Capability.Read, "A small image of an indexed face (JPEG, kept with the face and deleted with it)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPost("/leads/{leadId}/review", async (string leadId, HttpRequest request, ILeadStore leads, IPolicyStore policies, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<ReviewBody>(request, ct);
            var principal = RequestIdentity.Of(request.HttpContext).Principal!;
            return Results.Ok(await LeadDesk.ReviewAsync(leads, await policies.GetPolicyAsync(ct), RequestIdentity.AuditOf(request.HttpContext), leadId, body.Status, body.Note, principal.AccessKeyId, ct));
        }).Op("ReviewLead", Capability.Review, "Confirm, reject or mark inconclusive a lead, with a note (audited)").Accepts<ReviewBody>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Lead> RequireAsync(ILeadStore leads, string leadId, CancellationToken ct)
    {
        if (!Guid.TryParseExact(leadId, "D", out _))
            throw SightlineException.InvalidParameter($"'{leadId}' is not a lead id.");
        return await leads.GetLeadAsync(leadId, ct) ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No lead {leadId}.");
    }

    /// <summary>A face image: biometric data, so never cached by anything between the server and the browser.</summary>
    private static IResult Private(HttpContext context, byte[] jpeg)
    {
        context.Response.Headers.CacheControl = "private, no-store";
        return Results.Bytes(jpeg, "image/jpeg");
    }
}
