namespace Sightline.Storage;

/// <summary>
/// An access key as stored: never the secret itself, only the salt it is derived from (with a master key kept
/// outside the database) and a SHA-256 of it for bearer-token checks.
/// </summary>
public sealed record StoredAccessKey(
    string AccessKeyId,
    string Role,
    byte[] Salt,
    byte[] SecretHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    string? DefaultCase,
    string? DefaultPurpose,
    string? Description);

/// <summary>Durable storage of the access keys Sightline issues; issuing and revoking are audited in their transaction.</summary>
public interface IAccessKeyStore
{
    /// <summary>Throws ResourceAlreadyExists when the id is taken.</summary>
    Task AddKeyAsync(AuditEntry audit, StoredAccessKey key, CancellationToken cancellationToken);

    Task<StoredAccessKey?> GetKeyAsync(string accessKeyId, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredAccessKey>> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when there is no such key or it was already revoked.</summary>
    Task<bool> RevokeKeyAsync(AuditEntry audit, string accessKeyId, DateTimeOffset at, CancellationToken cancellationToken);
}
