using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

public sealed record IndexFacesRequest(string CollectionId, string? ExternalImageId = null, int? MaxFaces = null, string? QualityFilter = null, bool AllAttributes = false);

public sealed partial class CollectionService
{
    public IndexFacesResponse IndexFaces(AuditEntry audit, IndexFacesRequest request, DecodedImage image, CancellationToken cancellationToken)
    {
        Require(request.CollectionId);
        var external = Validate.ExternalImageId(request.ExternalImageId);
        int maxFaces = Validate.Range("MaxFaces", request.MaxFaces, 100, 1, 100);
        string quality = QualityFilter.Parse(request.QualityFilter);
        var faces = engine.Analyze(image, new FaceRequest { Embeddings = true, AllAttributes = request.AllAttributes }, cancellationToken);

        var accepted = new List<(AnalyzedFace Face, FaceDetail Detail)>();
        var unindexed = new List<UnindexedFace>();
        foreach (var face in faces) // largest first
        {
            var detail = RekognitionMapper.ToFaceDetail(face, image.Width, image.Height);
            var reasons = QualityFilter.Reasons(face, quality);
            if (reasons.Count == 0 && accepted.Count >= maxFaces)
                reasons.Add("EXCEEDS_MAX_FACES");
            if (reasons.Count > 0)
                unindexed.Add(new UnindexedFace(reasons, detail));
            else
                accepted.Add((face, detail));
        }

        string imageId = Guid.NewGuid().ToString("D");
        var newFaces = accepted.Select(a => new NewFace(Guid.NewGuid().ToString("D"), imageId, external,
            a.Detail.BoundingBox.Left, a.Detail.BoundingBox.Top, a.Detail.BoundingBox.Width, a.Detail.BoundingBox.Height,
            a.Detail.Confidence, a.Face.Embedding!)).ToList();
        var stored = newFaces.Count == 0 ? [] : store.AddFaces(audit, request.CollectionId, newFaces, DateTimeOffset.UtcNow);
        indexes.Added(request.CollectionId, stored);
        var records = stored.Zip(accepted, (s, a) => new FaceRecord(ToFace(s, FaceModelVersion), a.Detail)).ToList();
        return new IndexFacesResponse(records, FaceModelVersion, unindexed);
    }

    public ListFacesResponse ListFaces(string collectionId, string? nextToken, int? maxResults, IReadOnlyCollection<string>? faceIds = null, string? userId = null)
    {
        var collection = Require(collectionId);
        int limit = Validate.Range("MaxResults", maxResults, 1000, 0, 4096);
        var ids = faceIds?.Select(Validate.FaceId).ToList();
        if (ids is { Count: > 4096 })
            throw SightlineException.InvalidParameter("At most 4096 FaceIds can be listed at once.");
        var user = userId is null ? null : Validate.UserId(userId);
        var page = store.ListFaces(collection.Id, ParseToken(nextToken), limit + 1, ids, userId: user);
        var shown = page.Take(limit).ToList();
        return new ListFacesResponse([.. shown.Select(f => ToFace(f, FaceModelVersion))], FaceModelVersion)
        {
            NextToken = page.Count > limit && shown.Count > 0 ? Token(shown[^1].RowId) : null,
        };
    }

    /// <summary>The UnsuccessfulFaceDeletion reason for a face under a legal hold (Sightline's addition to Rekognition's reasons).</summary>
    public const string LegalHoldReason = "UNDER_LEGAL_HOLD";

    /// <summary>
    /// Deletes faces as Rekognition does (unknown ones and those of a user are reported, not deleted); a face a held
    /// case's leads point at is kept and reported too, decided in the delete's own transaction.
    /// </summary>
    public DeleteFacesResponse DeleteFaces(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds)
    {
        var collection = Require(collectionId);
        if (faceIds.Count is 0 or > 4096)
            throw SightlineException.InvalidParameter($"FaceIds must hold 1 to 4096 ids, got {faceIds.Count}.");
        var ids = faceIds.Select(Validate.FaceId).Distinct().ToList();
        // As Rekognition: a face that belongs to a user stays until it is disassociated; unknown ids are reported.
        var found = store.ListFaces(collection.Id, 0, ids.Count, ids).ToDictionary(f => f.FaceId);
        var deletable = ids.Where(id => found.TryGetValue(id, out var f) && f.UserId is null).ToList();
        // A face a held case's leads point at stays until the hold is lifted: the store decides it in the delete.
        var deletion = deletable.Count == 0 ? new FaceDeletion([], []) : store.DeleteFaces(audit, collection.Id, deletable);
        indexes.Removed(collection.Id, deletion.Deleted.Select(d => d.RowId));
        var held = deletion.Held.ToHashSet(StringComparer.Ordinal);
        var refused = new List<UnsuccessfulFaceDeletion>();
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var face))
                refused.Add(new UnsuccessfulFaceDeletion(id, null, ["FACE_NOT_FOUND"]));
            else if (face.UserId is not null)
                refused.Add(new UnsuccessfulFaceDeletion(id, face.UserId, ["ASSOCIATED_TO_AN_EXISTING_USER"]));
            else if (held.Contains(id))
                refused.Add(new UnsuccessfulFaceDeletion(id, null, [LegalHoldReason]));
        }
        return new DeleteFacesResponse([.. deletion.Deleted.Select(d => d.FaceId)], refused);
    }
}
