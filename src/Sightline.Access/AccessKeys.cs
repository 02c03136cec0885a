using System.Security.Cryptography;
using System.Text;
using Sightline.Storage;

namespace Sightline.Access;

/// <summary>A key as handed to its holder, once: the secret is never stored and cannot be shown again.</summary>
public sealed record IssuedKey(string AccessKeyId, string SecretAccessKey, string Role, string? DefaultCase, string? DefaultPurpose);

/// <summary>A key as listed (the API and the CLI): never its secret, salt or hash.</summary>
public sealed record AccessKeyView(string AccessKeyId, string Role, string? DefaultCase, string? DefaultPurpose, string? Description, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static AccessKeyView From(StoredAccessKey k) => new(k.AccessKeyId, k.Role, k.DefaultCase, k.DefaultPurpose, k.Description, k.CreatedAt, k.RevokedAt);
}

/// <summary>Who is calling: the access key and what it carries.</summary>
public sealed record Principal(string AccessKeyId, string Role, string? DefaultCase, string? DefaultPurpose);

/// <summary>
/// Issues and checks access keys. A secret is HMAC-SHA256(master key, key id ‖ salt): the database holds the salt
/// and a SHA-256 of the secret, the master key lives in its own file (mode 0600) under the secrets directory, so a
/// copy of the database alone reveals no secret. SigV4 needs the secret itself, which is re-derived per request.
/// </summary>
public sealed class AccessKeys
{
    public const string MasterKeyFileName = "master.key";
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private readonly IAccessKeyStore _store;
    private readonly byte[] _master;
    private readonly TimeProvider _time;

    public AccessKeys(IAccessKeyStore store, string secretsDirectory, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        MasterKeyPath = Path.Combine(secretsDirectory, MasterKeyFileName);
        _master = KeyFile.LoadOrCreate(MasterKeyPath);
    }

    public string MasterKeyPath { get; }

    public async Task<IssuedKey> CreateAsync(AuditEntry audit, string role, string? defaultCase, string? defaultPurpose, string? description, CancellationToken cancellationToken)
    {
        if (!Roles.IsKnown(role))
            throw SightlineException.InvalidParameter($"Unknown role '{role}'. Valid: {string.Join(", ", Roles.All)}.");
        CheckText(defaultCase, "default case", 128);
        CheckText(defaultPurpose, "default purpose", 64);
        CheckText(description, "description", 256);
        string id = "SL" + string.Concat(RandomNumberGenerator.GetItems<char>(IdAlphabet, 18));
        var salt = RandomNumberGenerator.GetBytes(16);
        string secret = Derive(id, salt);
        await _store.AddKeyAsync(audit, new StoredAccessKey(id, role, salt, SHA256.HashData(Encoding.UTF8.GetBytes(secret)), _time.GetUtcNow(), null, defaultCase, defaultPurpose, description),
            cancellationToken).ConfigureAwait(false);
        return new IssuedKey(id, secret, role, defaultCase, defaultPurpose);
    }

    public Task<IReadOnlyList<StoredAccessKey>> ListAsync(CancellationToken cancellationToken) => _store.ListKeysAsync(cancellationToken);

    /// <summary>False (nothing recorded) when there is no such key or it was already revoked.</summary>
    public Task<bool> RevokeAsync(AuditEntry audit, string accessKeyId, CancellationToken cancellationToken) => _store.RevokeKeyAsync(audit, accessKeyId, _time.GetUtcNow(), cancellationToken);

    /// <summary>The principal and secret of a live key; null for an unknown or revoked one.</summary>
    public async Task<(Principal Principal, string Secret)?> ResolveAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (accessKeyId.Length is < 16 or > 128 || await _store.GetKeyAsync(accessKeyId, cancellationToken).ConfigureAwait(false) is not { RevokedAt: null } key)
            return null;
        string secret = Derive(key.AccessKeyId, key.Salt);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), key.SecretHash))
            throw new SightlineException(ErrorKind.Internal, $"The master key at {MasterKeyPath} is not the one access key {accessKeyId} was issued with; restore the master key from backup.");
        return (new Principal(key.AccessKeyId, key.Role, key.DefaultCase, key.DefaultPurpose), secret);
    }

    /// <summary>Checks a bearer token of the form <c>ACCESS_KEY_ID:SECRET</c> (native API).</summary>
    public async Task<Principal> AuthenticateBearerAsync(string token, CancellationToken cancellationToken)
    {
        int colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == token.Length - 1)
            throw new SightlineException(ErrorKind.IncompleteSignature, "A bearer token is ACCESS_KEY_ID:SECRET_ACCESS_KEY.");
        string id = token[..colon];
        if (id.Length > 128 || await _store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false) is not { RevokedAt: null } key)
            throw new SightlineException(ErrorKind.UnrecognizedClient, "The access key in the bearer token is not valid.");
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token[(colon + 1)..]));
        if (!CryptographicOperations.FixedTimeEquals(presented, key.SecretHash))
            throw new SightlineException(ErrorKind.UnrecognizedClient, "The access key in the bearer token is not valid.");
        return new Principal(key.AccessKeyId, key.Role, key.DefaultCase, key.DefaultPurpose);
    }

    private string Derive(string id, byte[] salt)
    {
        var message = Encoding.UTF8.GetBytes("sightline-secret-v1|" + id + "|").Concat(salt).ToArray();
        return Convert.ToBase64String(HMACSHA256.HashData(_master, message).AsSpan(0, 30)).Replace('+', '-').Replace('/', '_');
    }

    private static void CheckText(string? value, string name, int max)
    {
        if (value is null)
            return;
        if (value.Length is 0 || value.Length > max || value.Any(char.IsControl))
            throw SightlineException.InvalidParameter($"The {name} must be 1–{max} printable characters.");
    }
}
