using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sightline.Access;
using Sightline.Server.Limits;

namespace Sightline.Server;

/// <summary>What the server learns about a request as it is handled, for logs, metrics and (later) the audit trail.</summary>
public sealed class RequestIdentity
{
    public string Api { get; set; } = "other";

    public string Operation { get; set; } = "-";

    public Principal? Principal { get; set; }

    /// <summary>SHA-256 of the uploaded probe image, for the audit record (never the image).</summary>
    public string? Probe { get; set; }

    /// <summary>A native identification search's audit entry, until its handler hands it to the pipeline.</summary>
    public Storage.AuditEntry? PendingSearch { get; set; }

    /// <summary>The audit entry of an audited native operation (its writes are recorded under it); null for one that is not audited.</summary>
    public Storage.AuditEntry? Audit { get; set; }

    /// <summary>The audit entry a state-changing native handler records its writes under.</summary>
    public static Storage.AuditEntry AuditOf(HttpContext context) =>
        Of(context).Audit ?? throw new InvalidOperationException($"{context.Request.Path} changes data but its operation is not audited (AuditFacts.IsAudited).");

    public static RequestIdentity Of(HttpContext context)
    {
        if (context.Items[typeof(RequestIdentity)] is RequestIdentity identity)
            return identity;
        identity = new RequestIdentity();
        context.Items[typeof(RequestIdentity)] = identity;
        return identity;
    }
}

/// <summary>
/// Builds the signable view of an HTTP request and checks its credentials, under two limits: a source address with
/// too many failed authentications is refused before its credentials are read, and an authenticated key over its
/// role's rate limit is refused with Throttling.
/// </summary>
public sealed class RequestAuthenticator(SigV4Verifier verifier, AccessKeys keys, Web.ConsoleSessions sessions, FailedAuthLimits failures, KeyRateLimits rates)
{
    /// <summary>Verifies an AWS Signature Version 4 over the buffered <paramref name="body"/>.</summary>
    public Task<Principal> VerifySigV4Async(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) => LimitedAsync(context, () =>
    {
        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        int q = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in context.Request.Headers)
            headers[name.ToLowerInvariant()] = string.Join(',', values.Select(v => v?.Trim()));
        var request = new SignableRequest(context.Request.Method, q < 0 ? target : target[..q], q < 0 ? null : target[(q + 1)..], headers, body);
        return verifier.VerifyAsync(request, cancellationToken);
    }, cancellationToken);

    /// <summary>
    /// Checks <c>Authorization: Bearer ACCESS_KEY_ID:SECRET</c> (native API) or, without that header, the console's
    /// session cookie (with its CSRF token on requests that change anything).
    /// </summary>
    public Task<Principal> VerifyNativeAsync(HttpContext context, CancellationToken cancellationToken) => LimitedAsync(context, async () =>
    {
        string authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length == 0 && Web.ConsoleSessions.HasCookie(context))
            return (await sessions.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false)).Principal;
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw new SightlineException(ErrorKind.MissingAuthentication, "Send 'Authorization: Bearer ACCESS_KEY_ID:SECRET_ACCESS_KEY' (create a key with 'sightline keys create').");
        return await keys.AuthenticateBearerAsync(authorization[7..].Trim(), cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>Checks an access key id and secret given to the console's sign-in, under the same limits.</summary>
    public Task<Principal> VerifyKeyAsync(HttpContext context, string accessKeyId, string secret, CancellationToken cancellationToken) =>
        LimitedAsync(context, () => keys.AuthenticateBearerAsync(accessKeyId + ":" + secret, cancellationToken), cancellationToken);

    /// <summary>The console session of the request (for the session endpoints themselves), under the same limits.</summary>
    public async Task<(Principal Principal, Storage.WebSession Session, string Csrf)> VerifySessionAsync(HttpContext context, CancellationToken cancellationToken)
    {
        (Principal, Storage.WebSession, string)? found = null;
        await LimitedAsync(context, async () =>
        {
            found = await sessions.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false);
            return found.Value.Item1;
        }, cancellationToken).ConfigureAwait(false);
        return found!.Value;
    }

    private async Task<Principal> LimitedAsync(HttpContext context, Func<Task<Principal>> authenticate, CancellationToken cancellationToken)
    {
        var address = context.Connection.RemoteIpAddress;
        failures.Check(address);
        Principal principal;
        try
        {
            principal = await authenticate().ConfigureAwait(false);
        }
        catch (SightlineException ex) when (ex.Kind is ErrorKind.MissingAuthentication or ErrorKind.UnrecognizedClient or ErrorKind.InvalidSignature or ErrorKind.IncompleteSignature)
        {
            failures.Failed(address);
            throw;
        }
        await rates.TakeAsync(principal, cancellationToken).ConfigureAwait(false);
        return principal;
    }
}
