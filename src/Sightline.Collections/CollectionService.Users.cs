using System.Numerics.Tensors;
using System.Text;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

/// <summary>
/// Users: a named group of one person's faces. A user's match to a probe is its best face's similarity.
/// Defaults follow Rekognition: AssociateFaces' UserMatchThreshold 75, SearchUsers' 80.
/// </summary>
public sealed partial class CollectionService
{
    public const float DefaultAssociateThreshold = 75f;
    public const float DefaultUserSearchThreshold = 80f;

    /// <summary>
    /// Creates a user. Repeating the call with the same <paramref name="clientRequestToken"/> (an SDK retry after a
    /// lost response) succeeds again instead of raising ConflictException.
    /// </summary>
    public async Task<EmptyResponse> CreateUserAsync(AuditEntry audit, string collectionId, string userId, string? clientRequestToken, CancellationToken cancellationToken)
    {
        var c = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        if (clientRequestToken is { Length: 0 or > 64 })
            throw SightlineException.InvalidParameter("ClientRequestToken must be 1 to 64 characters.");
        await store.CreateUserAsync(audit, c.Id, Validate.UserId(userId), DateTimeOffset.UtcNow, clientRequestToken, cancellationToken).ConfigureAwait(false);
        return new EmptyResponse();
    }

    public async Task<EmptyResponse> DeleteUserAsync(AuditEntry audit, string collectionId, string userId, CancellationToken cancellationToken)
    {
        var c = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        if (!await store.DeleteUserAsync(audit, c.Id, Validate.UserId(userId), cancellationToken).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceNotFound, $"User {userId} does not exist in collection {collectionId}.");
        return new EmptyResponse();
    }

    public async Task<ListUsersResponse> ListUsersAsync(string collectionId, string? nextToken, int? maxResults, CancellationToken cancellationToken)
    {
        var c = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        int limit = Validate.Range("MaxResults", maxResults, 100, 1, 500);
        string? after = null;
        if (!string.IsNullOrEmpty(nextToken))
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(nextToken)); }
            catch (FormatException) { throw SightlineException.InvalidParameter("NextToken is invalid."); }
        }
        var page = await store.ListUsersAsync(c.Id, after, limit + 1, cancellationToken).ConfigureAwait(false);
        var shown = page.Take(limit).ToList();
        return new ListUsersResponse([.. shown.Select(u => new User(u.UserId, Status(u.FaceCount)))])
        {
            NextToken = page.Count > limit ? Convert.ToBase64String(Encoding.UTF8.GetBytes(shown[^1].UserId)) : null,
        };
    }

    public async Task<AssociateFacesResponse> AssociateFacesAsync(AuditEntry audit, string collectionId, string userId, IReadOnlyCollection<string> faceIds, float? userMatchThreshold,
        CancellationToken cancellationToken)
    {
        var c = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        var user = Validate.UserId(userId);
        float threshold = Validate.Threshold("UserMatchThreshold", userMatchThreshold, DefaultAssociateThreshold);
        if (faceIds.Count is 0 or > 100)
            throw SightlineException.InvalidParameter($"FaceIds must hold 1 to 100 ids, got {faceIds.Count}.");
        if (await store.GetUserFaceCountAsync(c.Id, user, cancellationToken).ConfigureAwait(false) is null)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"User {user} does not exist in collection {c.Id}.");
        var existing = await store.UserFacesAsync(c.Id, user, withEmbeddings: true, cancellationToken).ConfigureAwait(false);
        var ok = new List<string>();
        var failed = new List<UnsuccessfulFaceAssociation>();
        foreach (var id in faceIds.Select(Validate.FaceId).Distinct())
        {
            var face = await store.GetFaceAsync(c.Id, id, cancellationToken).ConfigureAwait(false);
            if (face is null) { failed.Add(new(id, null, null, ["FACE_NOT_FOUND"])); continue; }
            if (face.UserId is not null && face.UserId != user) { failed.Add(new(id, face.UserId, null, ["ASSOCIATED_TO_A_DIFFERENT_USER"])); continue; }
            if (existing.Count > 0)
            {
                // A face must look like the person already enrolled, so one user never mixes two people.
                float best = existing.Max(e => _comparer.Calibration.ToSimilarity(TensorPrimitives.Dot(e.Embedding!, face.Embedding!)));
                if (best < threshold) { failed.Add(new(id, user, best, ["LOW_MATCH_CONFIDENCE"])); continue; }
            }
            ok.Add(id);
        }
        if (ok.Count > 0)
            await store.SetFaceUserAsync(audit, c.Id, ok, user, cancellationToken).ConfigureAwait(false);
        return new AssociateFacesResponse([.. ok.Select(f => new AssociatedFace(f))], failed, Status(existing.Count + ok.Count));
    }

    public async Task<DisassociateFacesResponse> DisassociateFacesAsync(AuditEntry audit, string collectionId, string userId, IReadOnlyCollection<string> faceIds, CancellationToken cancellationToken)
    {
        var c = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        var user = Validate.UserId(userId);
        if (faceIds.Count is 0 or > 100)
            throw SightlineException.InvalidParameter($"FaceIds must hold 1 to 100 ids, got {faceIds.Count}.");
        if (await store.GetUserFaceCountAsync(c.Id, user, cancellationToken).ConfigureAwait(false) is null)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"User {user} does not exist in collection {c.Id}.");
        var ok = new List<string>();
        var failed = new List<UnsuccessfulFaceDisassociation>();
        foreach (var id in faceIds.Select(Validate.FaceId).Distinct())
        {
            var face = await store.GetFaceAsync(c.Id, id, cancellationToken).ConfigureAwait(false);
            if (face is null) failed.Add(new(id, null, ["FACE_NOT_FOUND"]));
            else if (face.UserId is null) continue; // already disassociated: ignored and left out, as Rekognition does
            else if (face.UserId != user) failed.Add(new(id, face.UserId, ["ASSOCIATED_TO_A_DIFFERENT_USER"]));
            else ok.Add(id);
        }
        if (ok.Count > 0)
            await store.SetFaceUserAsync(audit, c.Id, ok, null, cancellationToken).ConfigureAwait(false);
        int remaining = await store.GetUserFaceCountAsync(c.Id, user, cancellationToken).ConfigureAwait(false) ?? 0;
        return new DisassociateFacesResponse([.. ok.Select(f => new AssociatedFace(f))], failed, Status(remaining));
    }

    /// <summary>SearchUsers by one of the user's own faces or by a user id (its faces' best match per other user).</summary>
    public async Task<Identified<SearchUsersResponse>> SearchUsersAsync(string collectionId, string? userId, string? faceId, float? userMatchThreshold, int? maxUsers, CancellationToken cancellationToken)
    {
        var c = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        float threshold = Validate.Threshold("UserMatchThreshold", userMatchThreshold, DefaultUserSearchThreshold);
        int max = Validate.Range("MaxUsers", maxUsers, 10, 1, 500);
        if ((userId is null) == (faceId is null))
            throw SightlineException.InvalidParameter("Give exactly one of UserId and FaceId.");
        List<float[]> probes;
        string? exclude = null;
        if (faceId is not null)
        {
            var face = await store.GetFaceAsync(c.Id, Validate.FaceId(faceId), cancellationToken).ConfigureAwait(false) ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Face {faceId} is not in collection {c.Id}.");
            probes = [face.Embedding!];
            exclude = face.UserId;
        }
        else
        {
            exclude = Validate.UserId(userId);
            if (await store.GetUserFaceCountAsync(c.Id, exclude, cancellationToken).ConfigureAwait(false) is null)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"User {exclude} does not exist in collection {c.Id}.");
            probes = [.. (await store.UserFacesAsync(c.Id, exclude, withEmbeddings: true, cancellationToken).ConfigureAwait(false)).Select(f => f.Embedding!)];
        }
        var matches = await MatchUsersAsync(c.Id, probes, threshold, max, exclude, cancellationToken).ConfigureAwait(false);
        return new(new SearchUsersResponse(matches, FaceModelVersion)
        {
            SearchedFace = faceId is null ? null : new SearchedFace(faceId),
            SearchedUser = userId is null ? null : new SearchedUser(userId),
        }, LeadMatches.Of(matches));
    }

    public async Task<Identified<SearchUsersByImageResponse>> SearchUsersByImageAsync(string collectionId, DecodedImage image, float? userMatchThreshold, int? maxUsers, CancellationToken cancellationToken)
    {
        var c = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        float threshold = Validate.Threshold("UserMatchThreshold", userMatchThreshold, DefaultUserSearchThreshold);
        int max = Validate.Range("MaxUsers", maxUsers, 10, 1, 500);
        var faces = engine.Analyze(image, new FaceRequest { Embeddings = true, MaxFaces = 1 }, cancellationToken);
        if (faces.Count == 0)
            throw SightlineException.InvalidParameter("There are no faces in the image. Should be at least 1.");
        var matches = await MatchUsersAsync(c.Id, [faces[0].Embedding!], threshold, max, null, cancellationToken).ConfigureAwait(false);
        return new(new SearchUsersByImageResponse(matches, FaceModelVersion,
            new SearchedFaceDetails(RekognitionMapper.ToFaceDetail(faces[0], image.Width, image.Height))), LeadMatches.Of(matches))
        {
            ProbeImage = matches.Count > 0 ? FaceCrops.Jpeg(image.Bgr, faces[0].Box) : null,
        };
    }

    private async Task<List<UserMatch>> MatchUsersAsync(string collectionId, List<float[]> probes, float threshold, int max, string? excludeUser, CancellationToken cancellationToken)
    {
        float minCosine = _comparer.Calibration.ToCosine(threshold) - 1e-4f;
        var best = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var probe in probes)
        {
            var hits = await _search.SearchAsync(collectionId, probe, MaxSearchFaces, minCosine, cancellationToken).ConfigureAwait(false);
            var faces = (await store.GetFacesByRowIdsAsync([.. hits.Select(h => h.Id)], cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.RowId);
            foreach (var hit in hits)
            {
                if (!faces.TryGetValue(hit.Id, out var face) || face.UserId is null || face.UserId == excludeUser)
                    continue;
                float similarity = _comparer.Calibration.ToSimilarity(hit.Score);
                if (similarity >= threshold && (!best.TryGetValue(face.UserId, out float b) || similarity > b))
                    best[face.UserId] = similarity;
            }
        }
        return [.. best.OrderByDescending(kv => kv.Value).Take(max).Select(kv => new UserMatch(kv.Value, new MatchedUser(kv.Key, "ACTIVE")))];
    }

    private static string Status(int faceCount) => faceCount > 0 ? "ACTIVE" : "CREATED";
}
