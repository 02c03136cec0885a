using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;

namespace Sightline.Server.Native;

/// <summary>POST /v1/keys: the role a new key carries and what its searches carry when they name no case or purpose.</summary>
public sealed record KeyBody(string? Role, string? DefaultCase = null, string? DefaultPurpose = null, string? Description = null);

/// <summary>Access keys (native API, administrators only): list, issue (the secret shown once), revoke — each change audited, as <c>sightline keys</c> does.</summary>
public static class NativeKeys
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/keys", async (AccessKeys keys, CancellationToken ct) => Results.Ok(new { keys = (await keys.ListAsync(ct)).Select(AccessKeyView.From) }))
            .Op("ListAccessKeys", Capability.Administer, "Access keys with role, defaults, creation and revocation (never secrets)");

        v1.MapPost("/keys", async (HttpRequest request, AccessKeys keys, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<KeyBody>(request, ct);
            if (string.IsNullOrEmpty(body.Role))
                throw SightlineException.InvalidParameter($"role is required: one of {string.Join(", ", Roles.All)}.");
            var issued = await keys.CreateAsync(RequestIdentity.AuditOf(request.HttpContext), body.Role, body.DefaultCase, body.DefaultPurpose, body.Description, ct);
            return Results.Created($"/v1/keys/{issued.AccessKeyId}", issued);
        }).Op("CreateAccessKey", Capability.Administer, "Issue a key (role, defaultCase, defaultPurpose, description): the secret is in this answer only and cannot be shown again (audited)")
            .Accepts<KeyBody>("application/json").Produces<IssuedKey>(StatusCodes.Status201Created);

        v1.MapPost("/keys/{accessKeyId}/revoke", async (string accessKeyId, HttpContext context, AccessKeys keys, CancellationToken ct) =>
            await keys.RevokeAsync(RequestIdentity.AuditOf(context), accessKeyId, ct)
                ? Results.NoContent()
                : throw new SightlineException(ErrorKind.ResourceNotFound, $"No live access key {accessKeyId}."))
            .Op("RevokeAccessKey", Capability.Administer, "Revoke a key: requests and console sessions with it are refused from now on (audited)")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
