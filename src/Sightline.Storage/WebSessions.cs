namespace Sightline.Storage;

/// <summary>
/// A signed-in console session: the SHA-256 of its random token (the cookie holds the token; the database never
/// does), the access key it stands for, and when it was made, ends and was signed out.
/// </summary>
public sealed record WebSession(string TokenHash, string AccessKeyId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public DateTimeOffset? RevokedAt { get; init; }

    public bool ValidAt(DateTimeOffset at) => RevokedAt is null && at < ExpiresAt;
}

/// <summary>Console sessions. Signing in and out are audited in the write's transaction.</summary>
public interface IWebSessionStore
{
    Task AddSessionAsync(AuditEntry audit, WebSession session, CancellationToken cancellationToken);

    Task<WebSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Ends the session at <paramref name="at"/>; false (nothing written) when it is missing or ended already.</summary>
    Task<bool> RevokeSessionAsync(AuditEntry audit, string tokenHash, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Forgets sessions that expired or were signed out before <paramref name="before"/> (not audited: nothing can use them).</summary>
    Task<int> DeleteSessionsEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>What both providers write in the audit chain about a session: when it ends (never the token or its hash).</summary>
public static class WebSessionAudit
{
    public static string Details(DateTimeOffset expiresAt) =>
        System.Text.Json.JsonSerializer.Serialize(new[] { "expiresAt", expiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, CameraJson.Default.StringArray);
}
