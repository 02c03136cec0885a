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
    public EmptyResponse CreateUser(AuditEntry audit, string collectionId, string userId, string? clientRequestToken = null)
    {
        var c = Require(collectionId);
        if (clientRequestToken is { Length: 0 or > 64 })
            throw SightlineException.InvalidParameter("ClientRequestToken must be 1 to 64 characters.");
        store.CreateUser(audit, c.Id, Validate.UserId(userId), DateTimeOffset.UtcNow, clientRequestToken);
        return new EmptyResponse();
    }

    public EmptyResponse DeleteUser(AuditEntry audit, string collectionId, string userId)
    {
        var c = Require(collectionId);
        if (!store.DeleteUser(audit, c.Id, Validate.UserId(userId)))
            throw new SightlineException(ErrorKind.ResourceNotFound, $"User {userId} does not exist in collection {collectionId}.");
        return new EmptyResponse();
    }

    public ListUsersResponse ListUsers(string collectionId, string? nextToken, int? maxResults)
    {
        var c = Require(collectionId);
        int limit = Validate.Range("MaxResults", maxResults, 100, 1, 500);
        string? after = null;
        if (!string.IsNullOrEmpty(nextToken))
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(nextToken)); }
            catch (FormatException) { throw SightlineException.InvalidParameter("NextToken is invalid."); }
        }
        var page = store.ListUsers(c.Id, after, limit + 1);
        var shown = page.Take(limit).ToList();
        return new ListUsersResponse([.. shown.Select(u => new User(u.UserId, Status(u.FaceCount)))])
        {
            NextToken = page.Count > limit ? Convert.ToBase64String(Encoding.UTF8.GetBytes(shown[^1].UserId)) : null,
        };
    }

    public AssociateFacesResponse AssociateFaces(AuditEntry audit, string collectionId, string userId, IReadOnlyCollection<string> faceIds, float? userMatchThreshold)
    {
        var c = Require(collectionId);
        var user = Validate.UserId(userId);
        float threshold = Validate.Threshold("UserMatchThreshold", userMatchThreshold, DefaultAssociateThreshold);
        if (faceIds.Count is 0 or > 100)
            throw SightlineException.InvalidParameter($"FaceIds must hold 1 to 100 ids, got {faceIds.Count}.");
        if (store.GetUserFaceCount(c.Id, user) is null)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"User {user} does not exist in collection {c.Id}.");
        var existing = store.UserFaces(c.Id, user, withEmbeddings: true);
        var ok = new List<string>();
        var failed = new List<UnsuccessfulFaceAssociation>();
        foreach (var id in faceIds.Select(Validate.FaceId).Distinct())
        {
            var face = store.GetFace(c.Id, id);
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
            store.SetFaceUser(audit, c.Id, ok, user);
        return new AssociateFacesResponse([.. ok.Select(f => new AssociatedFace(f))], failed, Status(existing.Count + ok.Count));
    }

    public DisassociateFacesResponse DisassociateFaces(AuditEntry audit, string collectionId, string userId, IReadOnlyCollection<string> faceIds)
    {
        var c = Require(collectionId);
        var user = Validate.UserId(userId);
        if (faceIds.Count is 0 or > 100)
            throw SightlineException.InvalidParameter($"FaceIds must hold 1 to 100 ids, got {faceIds.Count}.");
        if (store.GetUserFaceCount(c.Id, user) is null)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"User {user} does not exist in collection {c.Id}.");
        var ok = new List<string>();
        var failed = new List<UnsuccessfulFaceDisassociation>();
        foreach (var id in faceIds.Select(Validate.FaceId).Distinct())
        {
            var face = store.GetFace(c.Id, id);
            if (face is null) failed.Add(new(id, null, ["FACE_NOT_FOUND"]));
            else if (face.UserId is null) continue; // already disassociated: ignored and left out, as Rekognition does
            else if (face.UserId != user) failed.Add(new(id, face.UserId, ["ASSOCIATED_TO_A_DIFFERENT_USER"]));
            else ok.Add(id);
        }
        if (ok.Count > 0)
            store.SetFaceUser(audit, c.Id, ok, null);
        return new DisassociateFacesResponse([.. ok.Select(f => new AssociatedFace(f))], failed, Status(store.GetUserFaceCount(c.Id, user) ?? 0));
    }

    /// <summary>SearchUsers by one of the user's own faces or by a user id (its faces' best match per other user).</summary>
    public Identified<SearchUsersResponse> SearchUsers(string collectionId, string? userId, string? faceId, float? userMatchThreshold, int? maxUsers, CancellationToken cancellationToken)
    {
        var c = Require(collectionId);
        float threshold = Validate.Threshold("UserMatchThreshold", userMatchThreshold, DefaultUserSearchThreshold);
        int max = Validate.Range("MaxUsers", maxUsers, 10, 1, 500);
        if ((userId is null) == (faceId is null))
            throw SightlineException.InvalidParameter("Give exactly one of UserId and FaceId.");
        List<float[]> probes;
        string? exclude = null;
        if (faceId is not null)
        {
            var face = store.GetFace(c.Id, Validate.FaceId(faceId)) ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Face {faceId} is not in collection {c.Id}.");
            probes = [face.Embedding!];
            exclude = face.UserId;
        }
        else
        {
            exclude = Validate.UserId(userId);
            if (store.GetUserFaceCount(c.Id, exclude) is null)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"User {exclude} does not exist in collection {c.Id}.");
            probes = [.. store.UserFaces(c.Id, exclude, withEmbeddings: true).Select(f => f.Embedding!)];
        }
        var matches = MatchUsers(c.Id, probes, threshold, max, exclude, cancellationToken);
        return new(new SearchUsersResponse(matches, FaceModelVersion)
        {
            SearchedFace = faceId is null ? null : new SearchedFace(faceId),
            SearchedUser = userId is null ? null : new SearchedUser(userId),
        }, LeadMatches.Of(matches));
    }

    public Identified<SearchUsersByImageResponse> SearchUsersByImage(string collectionId, DecodedImage image, float? userMatchThreshold, int? maxUsers, CancellationToken cancellationToken)
    {
        var c = Require(collectionId);
        float threshold = Validate.Threshold("UserMatchThreshold", userMatchThreshold, DefaultUserSearchThreshold);
        int max = Validate.Range("MaxUsers", maxUsers, 10, 1, 500);
        var faces = engine.Analyze(image, new FaceRequest { Embeddings = true, MaxFaces = 1 }, cancellationToken);
        if (faces.Count == 0)
            throw SightlineException.InvalidParameter("There are no faces in the image. Should be at least 1.");
        var matches = MatchUsers(c.Id, [faces[0].Embedding!], threshold, max, null, cancellationToken);
        return new(new SearchUsersByImageResponse(matches, FaceModelVersion,
            new SearchedFaceDetails(RekognitionMapper.ToFaceDetail(faces[0], image.Width, image.Height))), LeadMatches.Of(matches));
    }

    private List<UserMatch> MatchUsers(string collectionId, List<float[]> probes, float threshold, int max, string? excludeUser, CancellationToken cancellationToken)
    {
        float minCosine = _comparer.Calibration.ToCosine(threshold) - 1e-4f;
        var best = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var probe in probes)
        {
            var hits = indexes.Get(collectionId).Search(probe, MaxSearchFaces, minCosine, cancellationToken);
            var faces = store.GetFacesByRowIds([.. hits.Select(h => h.Id)]).ToDictionary(f => f.RowId);
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
