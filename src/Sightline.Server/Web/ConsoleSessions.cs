using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sightline.Access;
using Sightline.Storage;

namespace Sightline.Server.Web;

/// <summary>
/// The console's sessions. Signing in exchanges an access key id and secret for a random 256-bit token in an
/// HttpOnly, SameSite=Strict cookie (Secure when the request came over TLS) that ends after <see cref="Lifetime"/>;
/// the database keeps only its SHA-256. A request carrying the cookie is the key's request, under the key's role,
/// exactly as with a bearer token, while the session is unexpired, not signed out and the key not revoked. Requests
/// that change anything must also carry the session's CSRF token (<see cref="CsrfHeader"/>), derived from the
/// token, which the page learns from the sign-in answer: another site can neither send the cookie (SameSite) nor
/// know the token.
/// </summary>
public sealed class ConsoleSessions(IWebSessionStore sessions, IAccessKeyStore keys, TimeProvider time)
{
    public const string CookieName = "sightline_session";
    public const string CsrfHeader = "X-CSRF-Token";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static bool HasCookie(HttpContext context) => context.Request.Cookies.ContainsKey(CookieName);

    /// <summary>Starts a session for a principal whose key and secret were just checked; the sign-in is audited with it.</summary>
    public async Task<ConsoleSessionView> StartAsync(HttpContext context, Principal principal, CancellationToken ct)
    {
        string token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var session = new WebSession(Hash(token), principal.AccessKeyId, now, now + Lifetime);
        await sessions.AddSessionAsync(new AuditEntry(principal.AccessKeyId, principal.Role, "SignIn"), session, ct).ConfigureAwait(false);
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = session.ExpiresAt,
            IsEssential = true,
        });
        return ConsoleSessionView.Of(principal, Csrf(token), session.ExpiresAt);
    }

    /// <summary>The principal of the request's session; CSRF is checked for methods that change state.</summary>
    public async Task<(Principal Principal, WebSession Session, string Csrf)> AuthenticateAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and <= 128 } token)
            throw new SightlineException(ErrorKind.MissingAuthentication, "Sign in to the console, or send 'Authorization: Bearer ACCESS_KEY_ID:SECRET'.");
        var session = await sessions.GetSessionAsync(Hash(token), ct).ConfigureAwait(false);
        if (session is null || !session.ValidAt(time.GetUtcNow()))
            throw new SightlineException(ErrorKind.UnrecognizedClient, "The console session is not valid (expired, signed out or unknown); sign in again.");
        if (await keys.GetKeyAsync(session.AccessKeyId, ct).ConfigureAwait(false) is not { RevokedAt: null } key)
            throw new SightlineException(ErrorKind.UnrecognizedClient, "The access key of this console session has been revoked; sign in again.");
        string csrf = Csrf(token);
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(context.Request.Headers[CsrfHeader].ToString()), Encoding.ASCII.GetBytes(csrf)))
            throw new SightlineException(ErrorKind.AccessDenied, $"A console request that changes anything needs the session's {CsrfHeader} header.");
        return (new Principal(key.AccessKeyId, key.Role, key.DefaultCase, key.DefaultPurpose), session, csrf);
    }

    /// <summary>Ends the request's session (audited) and clears the cookie; false when there was none to end.</summary>
    public async Task<bool> EndAsync(HttpContext context, Principal principal, WebSession session, CancellationToken ct)
    {
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict });
        return await sessions.RevokeSessionAsync(new AuditEntry(principal.AccessKeyId, principal.Role, "SignOut"), session.TokenHash, time.GetUtcNow(), ct).ConfigureAwait(false);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Csrf(string token) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes("sightline-console-csrf-v1|" + token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What the console learns about its session: who, which role and what it may do, the CSRF token, the end.</summary>
public sealed record ConsoleSessionView(string AccessKeyId, string Role, IReadOnlyList<string> Capabilities, string CsrfToken, DateTimeOffset ExpiresAt)
{
    public static ConsoleSessionView Of(Principal principal, string csrf, DateTimeOffset expiresAt) =>
        new(principal.AccessKeyId, principal.Role,
            [.. Enum.GetValues<Capability>().Where(c => Roles.Allows(principal.Role, c)).Select(c => c.ToString().ToLowerInvariant())], csrf, expiresAt);
}
