using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Live.Faces;

namespace Sightline.Server.Native;

/// <summary>Authorizations for live face search (native API, administrators only): record, list, read, revoke — each change audited.</summary>
public static class NativeAuthorizations
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/authorizations", async (AuthorizationDesk desk, CancellationToken ct) => Results.Ok(new { authorizations = await desk.ListAsync(ct) }))
            .Op("ListAuthorizations", Capability.Administer, "Authorizations for live face search, newest first, with their state (pending, active, expired, revoked)");

        v1.MapGet("/authorizations/{id}", async (string id, AuthorizationDesk desk, CancellationToken ct) => Results.Ok(await desk.GetAsync(id, ct)))
            .Op("DescribeAuthorization", Capability.Administer, "One authorization").Produces<AuthorizationView>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPost("/authorizations", async (HttpRequest request, AuthorizationDesk desk, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<AuthorizationRequest>(request, ct);
            var principal = RequestIdentity.Of(request.HttpContext).Principal!;
            var created = await desk.AddAsync(RequestIdentity.AuditOf(request.HttpContext), body, principal.AccessKeyId, ct);
            return Results.Created($"/v1/authorizations/{created.Id}", created);
        }).Op("CreateAuthorization", Capability.Administer,
            "Record an authorization (orderNumber, authority, cameras, collectionId, case, purpose, faceMatchThreshold, startsAt, expiresAt): the named cameras search the collection's faces live until it expires or is revoked (audited)")
            .Accepts<AuthorizationRequest>("application/json").Produces<AuthorizationView>(StatusCodes.Status201Created);

        v1.MapPost("/authorizations/{id}/revoke", async (string id, HttpRequest request, AuthorizationDesk desk, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<RevokeBody>(request, ct);
            var principal = RequestIdentity.Of(request.HttpContext).Principal!;
            return Results.Ok(await desk.RevokeAsync(RequestIdentity.AuditOf(request.HttpContext), id, body.Reason, principal.AccessKeyId, ct));
        }).Op("RevokeAuthorization", Capability.Administer, "End an authorization now, with a reason (audited); cameras stop searching within seconds")
            .Accepts<RevokeBody>("application/json").Produces<AuthorizationView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
