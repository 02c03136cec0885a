using Sightline.Storage;

namespace Sightline.Live.Faces;

/// <summary>What the CLI and the native API send to record an authorization (times as ISO 8601).</summary>
public sealed record AuthorizationRequest(
    string? OrderNumber,
    string? Authority,
    IReadOnlyList<string>? Cameras,
    string? CollectionId,
    string? Case,
    string? Purpose,
    float? FaceMatchThreshold,
    string? StartsAt,
    string? ExpiresAt);

/// <summary>An authorization as the CLI and the API show it, with its state now.</summary>
public sealed record AuthorizationView(
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
    string State,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    string? RevokeReason)
{
    public static AuthorizationView Of(LiveAuthorization a, DateTimeOffset now) =>
        new(a.Id, a.OrderNumber, a.Authority, a.Cameras, a.CollectionId, a.Case, a.Purpose, a.FaceMatchThreshold, a.StartsAt, a.ExpiresAt, a.StateAt(now),
            a.CreatedBy, a.CreatedAt, a.RevokedAt, a.RevokedBy, a.RevokeReason);
}
