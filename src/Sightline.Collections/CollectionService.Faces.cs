using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

public sealed record IndexFacesRequest(string CollectionId, string? ExternalImageId = null, int? MaxFaces = null, string? QualityFilter = null, bool AllAttributes = false);

public sealed partial class CollectionService
{
    public async Task<IndexFacesResponse> IndexFacesAsync(AuditEntry audit, IndexFacesRequest request, DecodedImage image, CancellationToken cancellationToken)
    {
        await RequireAsync(request.CollectionId, cancellationToken).ConfigureAwait(false);
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
            a.Detail.Confidence, a.Face.Embedding!, FaceCrops.Jpeg(image.Bgr, a.Face.Box))).ToList();
        var stored = newFaces.Count == 0 ? [] : await store.AddFacesAsync(audit, request.CollectionId, newFaces, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        await indexes.AddedAsync(request.CollectionId, stored).ConfigureAwait(false);
        await _search.ChangedAsync(request.CollectionId, [.. stored.Select(f => f.RowId)]).ConfigureAwait(false);
        var records = stored.Zip(accepted, (s, a) => new FaceRecord(ToFace(s, FaceModelVersion), a.Detail)).ToList();
        return new IndexFacesResponse(records, FaceModelVersion, unindexed);
    }

    /// <summary>The small image of an indexed face kept for its reviewers (null when none was kept).</summary>
    public async Task<byte[]?> GetFaceImageAsync(string collectionId, string faceId, CancellationToken cancellationToken)
    {
        var collection = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        return await store.GetFaceImageAsync(collection.Id, Validate.FaceId(faceId), cancellationToken).ConfigureAwait(false);
    }

    public async Task<ListFacesResponse> ListFacesAsync(string collectionId, string? nextToken, int? maxResults, IReadOnlyCollection<string>? faceIds, string? userId, CancellationToken cancellationToken)
    {
        var collection = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        int limit = Validate.Range("MaxResults", maxResults, 1000, 0, 4096);
        var ids = faceIds?.Select(Validate.FaceId).ToList();
        if (ids is { Count: > 4096 })
            throw SightlineException.InvalidParameter("At most 4096 FaceIds can be listed at once.");
        var user = userId is null ? null : Validate.UserId(userId);
        var page = await store.ListFacesAsync(collection.Id, ParseToken(nextToken), limit + 1, new FaceFilter(ids, UserId: user), cancellationToken).ConfigureAwait(false);
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
    public async Task<DeleteFacesResponse> DeleteFacesAsync(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, CancellationToken cancellationToken)
    {
        var collection = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        if (faceIds.Count is 0 or > 4096)
            throw SightlineException.InvalidParameter($"FaceIds must hold 1 to 4096 ids, got {faceIds.Count}.");
        var ids = faceIds.Select(Validate.FaceId).Distinct().ToList();
        // As Rekognition: a face that belongs to a user stays until it is disassociated; unknown ids are reported.
        var found = (await store.ListFacesAsync(collection.Id, 0, ids.Count, new FaceFilter(ids), cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.FaceId);
        var deletable = ids.Where(id => found.TryGetValue(id, out var f) && f.UserId is null).ToList();
        // A face a held case's leads point at stays until the hold is lifted: the store decides it in the delete.
        var deletion = deletable.Count == 0 ? new FaceDeletion([], []) : await store.DeleteFacesAsync(audit, collection.Id, deletable, cancellationToken).ConfigureAwait(false);
        await indexes.RemovedAsync(collection.Id, deletion.Deleted.Select(d => d.RowId)).ConfigureAwait(false);
        await _search.ChangedAsync(collection.Id, [.. deletion.Deleted.Select(d => d.RowId)]).ConfigureAwait(false);
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
