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

/// <summary>Durable storage of the access keys Sightline issues.</summary>
public interface IAccessKeyStore
{
    void AddKey(StoredAccessKey key);

    StoredAccessKey? GetKey(string accessKeyId);

    IReadOnlyList<StoredAccessKey> ListKeys();

    /// <summary>False when there is no such key or it was already revoked.</summary>
    bool RevokeKey(string accessKeyId, DateTimeOffset at);
}
