using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Server.Native;
using Sightline.Storage;

namespace Sightline.Server.Web;

/// <summary>The console's sign-in: an access key id and its secret.</summary>
public sealed record SignInBody(string? AccessKeyId, string? Secret);

/// <summary>
/// The console's session endpoints under <c>/ui</c>: sign in (POST), who am I (GET), sign out (DELETE). A failed
/// sign-in is recorded in the audit chain (the key id given, truncated, and why) and counts against the source
/// address's failed-authentication limit like any bad credential; a refused sign-in from an address over that limit
/// is not recorded (it was not checked).
/// </summary>
public static class ConsoleEndpoints
{
    public const int MaxKeyIdLength = 128;
    public const int MaxSecretLength = 256;

    public static void MapConsoleSessions(this IEndpointRouteBuilder app)
    {
        var ui = app.MapGroup("/ui").ExcludeFromDescription();
        ui.MapPost("/session", (HttpContext context, RequestAuthenticator authenticator, ConsoleSessions sessions, IAuditStore audit, CancellationToken ct) =>
            RunAsync(context, "SignIn", async () =>
            {
                var body = await NativeInput.JsonAsync<SignInBody>(context.Request, ct);
                string id = body.AccessKeyId?.Trim() ?? "", secret = body.Secret?.Trim() ?? "";
                if (id.Length is 0 or > MaxKeyIdLength || secret.Length is 0 or > MaxSecretLength || id.Any(char.IsControl))
                    throw SightlineException.InvalidParameter($"Sign in with an access key id (1–{MaxKeyIdLength} characters) and its secret (1–{MaxSecretLength}).");
                Access.Principal principal;
                try
                {
                    principal = await authenticator.VerifyKeyAsync(context, id, secret, ct);
                }
                catch (SightlineException ex) when (ex.Kind is ErrorKind.UnrecognizedClient or ErrorKind.IncompleteSignature)
                {
                    await audit.AppendAuditAsync(new AuditEntry(id, "none", "SignIn") { Outcome = ex.RekognitionType }, CancellationToken.None);
                    throw new SightlineException(ErrorKind.UnrecognizedClient, "The access key id or secret is wrong, or the key was revoked.");
                }
                RequestIdentity.Of(context).Principal = principal;
                return Results.Ok(await sessions.StartAsync(context, principal, ct));
            }));

        ui.MapGet("/session", (HttpContext context, RequestAuthenticator authenticator, CancellationToken ct) =>
            RunAsync(context, "GetSession", async () =>
            {
                var (principal, session, csrf) = await authenticator.VerifySessionAsync(context, ct);
                RequestIdentity.Of(context).Principal = principal;
                return Results.Ok(ConsoleSessionView.Of(principal, csrf, session.ExpiresAt));
            }));

        ui.MapDelete("/session", (HttpContext context, RequestAuthenticator authenticator, ConsoleSessions sessions, CancellationToken ct) =>
            RunAsync(context, "SignOut", async () =>
            {
                var (principal, session, _) = await authenticator.VerifySessionAsync(context, ct);
                RequestIdentity.Of(context).Principal = principal;
                await sessions.EndAsync(context, principal, session, ct);
                return Results.NoContent();
            }));
    }

    /// <summary>Runs a session endpoint: named for logs and metrics, refusals as RFC 7807 problems.</summary>
    private static async Task RunAsync(HttpContext context, string operation, Func<Task<IResult>> handle)
    {
        ServerMetrics.Admitted(context);
        var identity = RequestIdentity.Of(context);
        (identity.Api, identity.Operation) = ("console", operation);
        IResult result;
        try
        {
            result = await handle();
        }
        catch (SightlineException ex)
        {
            await Problems.WriteAsync(context, ex);
            return;
        }
        catch (BadHttpRequestException ex)
        {
            await Problems.WriteAsync(context, SightlineException.InvalidParameter($"The request could not be read: {ex.Message}"));
            return;
        }
        await result.ExecuteAsync(context);
    }
}
