using System.Globalization;
using Sightline.Access;
using Sightline.Collections;
using Sightline.Storage;

namespace Sightline.Live.Faces;

/// <summary>
/// Records, lists and revokes authorizations for live face search (administrators only; the hosts check the role).
/// An authorization names existing cameras and an existing collection, a purpose the policy knows, a threshold not
/// below the policy's floor, and a span that ends in the future and lasts at most <see cref="MaxDays"/> days.
/// </summary>
public sealed class AuthorizationDesk(IAuthorizationStore store, ICameraStore cameras, ICollectionStore collections, IPolicyStore policies, TimeProvider time)
{
    public const int MaxDays = 366;
    public const int MaxCameras = 64;
    public const int MaxText = 256;

    public async Task<AuthorizationView> AddAsync(AuditEntry audit, AuthorizationRequest request, string createdBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = Truncate(time.GetUtcNow());
        string order = Text("orderNumber", request.OrderNumber, LegalHolds.MaxCase);
        string authority = Text("authority", request.Authority, MaxText);
        string collectionId = Validate.CollectionId(request.CollectionId);
        if (await collections.GetCollectionAsync(collectionId, withCounts: false, ct).ConfigureAwait(false) is null)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"No collection {collectionId}: an authorization names the watchlist collection it covers.");
        string caseId = Text("case", request.Case, LegalHolds.MaxCase);
        string purpose = Text("purpose", request.Purpose, MaxText);
        var names = await CamerasAsync(request.Cameras, ct).ConfigureAwait(false);
        var policy = await policies.GetPolicyAsync(ct).ConfigureAwait(false);
        // The same gate as every search: a known purpose, and a threshold not below the floor.
        SearchGate.Admit(policy, new AuditEntry(createdBy, "admin", "CreateAuthorization") { Case = caseId, Purpose = purpose }, request.FaceMatchThreshold);
        if (request.FaceMatchThreshold is { } t && !(t is >= 0 and <= 100))
            throw SightlineException.InvalidParameter("faceMatchThreshold must be between 0 and 100.");
        var starts = request.StartsAt is null ? now : Time("startsAt", request.StartsAt);
        var expires = Time("expiresAt", request.ExpiresAt ?? throw SightlineException.InvalidParameter("expiresAt is required: an authorization always ends."));
        if (expires <= now)
            throw SightlineException.InvalidParameter($"expiresAt ({expires:O}) has passed.");
        if (expires <= starts)
            throw SightlineException.InvalidParameter($"expiresAt ({expires:O}) must be after startsAt ({starts:O}).");
        if ((expires - starts).TotalDays > MaxDays)
            throw SightlineException.InvalidParameter($"An authorization lasts at most {MaxDays} days; record a renewal as a new one.");
        var record = new LiveAuthorization("auth-" + Guid.NewGuid().ToString("N")[..12], order, authority, names, collectionId, caseId, purpose, request.FaceMatchThreshold,
            starts, expires, createdBy, now);
        await store.AddAuthorizationAsync(audit with { Case = caseId, Purpose = purpose }, record, ct).ConfigureAwait(false);
        return AuthorizationView.Of(record, now);
    }

    public async Task<IReadOnlyList<AuthorizationView>> ListAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return [.. (await store.ListAuthorizationsAsync(ct).ConfigureAwait(false)).Select(a => AuthorizationView.Of(a, now))];
    }

    public async Task<AuthorizationView> GetAsync(string id, CancellationToken ct) => AuthorizationView.Of(await RequireAsync(id, ct).ConfigureAwait(false), time.GetUtcNow());

    /// <summary>Ends an authorization now, for a stated reason; cameras stop searching within the refresh interval. Conflict when revoked already.</summary>
    public async Task<AuthorizationView> RevokeAsync(AuditEntry audit, string id, string? reason, string revokedBy, CancellationToken ct)
    {
        string why = Text("reason", reason, LegalHolds.MaxReason);
        var current = await RequireAsync(id, ct).ConfigureAwait(false);
        if (current.RevokedAt is not null)
            throw new SightlineException(ErrorKind.Conflict, $"Authorization {id} was revoked already ({current.RevokedAt:O}).");
        var now = Truncate(time.GetUtcNow());
        var revoked = current with { RevokedAt = now, RevokedBy = revokedBy, RevokeReason = why };
        if (!await store.RevokeAuthorizationAsync(audit with { Case = current.Case, Purpose = current.Purpose }, revoked, ct).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.Conflict, $"Authorization {id} was revoked already.");
        return AuthorizationView.Of(revoked, now);
    }

    private async Task<LiveAuthorization> RequireAsync(string id, CancellationToken ct) =>
        (id.Length is > 0 and <= 64 ? await store.GetAuthorizationAsync(id, ct).ConfigureAwait(false) : null)
        ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No authorization {id}.");

    private async Task<IReadOnlyList<string>> CamerasAsync(IReadOnlyList<string>? requested, CancellationToken ct)
    {
        if (requested is not { Count: > 0 and <= MaxCameras })
            throw SightlineException.InvalidParameter($"An authorization names 1 to {MaxCameras} cameras it covers.");
        var known = (await cameras.ListCamerasAsync(ct).ConfigureAwait(false)).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var raw in requested)
        {
            string name = CameraDefinitions.Name(raw);
            if (!known.TryGetValue(name, out var camera))
                throw new SightlineException(ErrorKind.ResourceNotFound, $"No camera named '{name}': an authorization covers cameras that exist.");
            if (!camera.Settings.Labels.Contains("person", StringComparer.OrdinalIgnoreCase))
                throw SightlineException.InvalidParameter($"Camera '{name}' does not watch 'person': live face search looks only at a camera's person tracks.");
            if (!names.Contains(name, StringComparer.Ordinal))
                names.Add(name);
        }
        return names;
    }

    private static string Text(string name, string? value, int max) =>
        value is { Length: > 0 } v && v.Length <= max && !v.Any(char.IsControl) && !string.IsNullOrWhiteSpace(v) ? v.Trim()
            : throw SightlineException.InvalidParameter($"{name} is required: 1 to {max} printable characters.");

    private static DateTimeOffset Time(string name, string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? Truncate(at)
            : throw SightlineException.InvalidParameter($"{name} must be an ISO 8601 date-time (e.g. 2026-12-31T23:59:59Z), got '{value}'.");

    private static DateTimeOffset Truncate(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
}
