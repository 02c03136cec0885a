using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Storage;

/// <summary>
/// The recorded legal basis for live face search: an order or warrant (its number and issuing authority) that covers
/// named cameras and one watchlist collection, under a case and purpose, from a start to an expiry. Without an
/// active one no camera searches faces; a revoked one stays on record.
/// </summary>
public sealed record LiveAuthorization(
    string Id,
    string OrderNumber,
    string Authority,
    IReadOnlyList<string> Cameras,
    string CollectionId,
    string Case,
    string Purpose,
    float? FaceMatchThreshold,
    DateTimeOffset StartsAt,
    DateTimeOffset ExpiresAt,
    string CreatedBy,
    DateTimeOffset CreatedAt)
{
    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedBy { get; init; }

    public string? RevokeReason { get; init; }

    public bool ActiveAt(DateTimeOffset at) => RevokedAt is null && at >= StartsAt && at < ExpiresAt;

    public bool Covers(string camera) => Cameras.Contains(camera, StringComparer.Ordinal);

    /// <summary>pending, active, expired or revoked, at <paramref name="at"/>.</summary>
    public string StateAt(DateTimeOffset at) => RevokedAt is not null ? "revoked" : at < StartsAt ? "pending" : at < ExpiresAt ? "active" : "expired";
}

/// <summary>Authorizations for live face search; creation and revocation are audited in their transactions.</summary>
public interface IAuthorizationStore
{
    /// <summary>Throws ResourceAlreadyExists when the id is taken.</summary>
    Task AddAuthorizationAsync(AuditEntry audit, LiveAuthorization authorization, CancellationToken cancellationToken);

    Task<LiveAuthorization?> GetAuthorizationAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<LiveAuthorization>> ListAuthorizationsAsync(CancellationToken cancellationToken);

    /// <summary>Records the revocation (the record given carries who, when and why); false (nothing written) when it is missing or revoked already.</summary>
    Task<bool> RevokeAuthorizationAsync(AuditEntry audit, LiveAuthorization revoked, CancellationToken cancellationToken);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LiveAuthorization))]
public sealed partial class AuthorizationJson : JsonSerializerContext;

/// <summary>What both providers write: the document column and the audit details (the whole record: it is the legal basis).</summary>
public static class AuthorizationDocument
{
    public static string Write(LiveAuthorization a) => JsonSerializer.Serialize(a, AuthorizationJson.Default.LiveAuthorization);

    public static LiveAuthorization Read(string json, string id) =>
        JsonSerializer.Deserialize(json, AuthorizationJson.Default.LiveAuthorization)
        ?? throw new SightlineException(ErrorKind.Internal, $"The stored authorization '{id}' is empty.");
}
