using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;

namespace Sightline.Collections;

public sealed partial class CollectionService
{
    /// <summary>SearchFacesByImage: the largest face of the probe against the collection. The image is not stored; when the search makes leads, a small crop of the searched face is kept with them for their reviewers.</summary>
    public async Task<Identified<SearchFacesByImageResponse>> SearchFacesByImageAsync(string collectionId, DecodedImage image, int? maxFaces, float? faceMatchThreshold, CancellationToken cancellationToken)
    {
        var collection = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        int k = Validate.Range("MaxFaces", maxFaces, 80, 1, MaxSearchFaces);
        float threshold = Validate.Threshold("FaceMatchThreshold", faceMatchThreshold, DefaultFaceMatchThreshold);
        var faces = engine.Analyze(image, new FaceRequest { Embeddings = true, MaxFaces = 1 }, cancellationToken);
        if (faces.Count == 0)
            throw SightlineException.InvalidParameter("There are no faces in the image. Should be at least 1.");
        var probe = faces[0];
        var matches = await SearchAsync(collection.Id, probe.Embedding!, k, threshold, excludeRowId: null, cancellationToken).ConfigureAwait(false);
        return new(new SearchFacesByImageResponse(RekognitionMapper.Box(probe.Box, image.Width, image.Height), probe.Score * 100f, matches, FaceModelVersion), LeadMatches.Of(matches))
        {
            ProbeImage = matches.Count > 0 ? FaceCrops.Jpeg(image.Bgr, probe.Box) : null,
        };
    }

    /// <summary>SearchFaces: an indexed face against the rest of its collection.</summary>
    public async Task<Identified<SearchFacesResponse>> SearchFacesAsync(string collectionId, string faceId, int? maxFaces, float? faceMatchThreshold, CancellationToken cancellationToken)
    {
        var collection = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        var id = Validate.FaceId(faceId);
        int k = Validate.Range("MaxFaces", maxFaces, 80, 1, MaxSearchFaces);
        float threshold = Validate.Threshold("FaceMatchThreshold", faceMatchThreshold, DefaultFaceMatchThreshold);
        var face = await store.GetFaceAsync(collection.Id, id, cancellationToken).ConfigureAwait(false)
            ?? throw new SightlineException(ErrorKind.InvalidParameter, $"Face {id} is not in collection {collection.Id}.");
        var matches = await SearchAsync(collection.Id, face.Embedding!, k, threshold, face.RowId, cancellationToken).ConfigureAwait(false);
        return new(new SearchFacesResponse(id, matches, FaceModelVersion), LeadMatches.Of(matches))
        {
            ProbeImage = matches.Count > 0 ? await store.GetFaceImageAsync(collection.Id, id, cancellationToken).ConfigureAwait(false) : null,
        };
    }

    /// <summary>A face already embedded (a video frame's) against a collection: matches at or above the threshold, best first.</summary>
    public async Task<IReadOnlyList<FaceMatch>> SearchByEmbeddingAsync(string collectionId, float[] embedding, int maxFaces, float faceMatchThreshold, CancellationToken cancellationToken)
    {
        var collection = await RequireAsync(collectionId, cancellationToken).ConfigureAwait(false);
        return await SearchAsync(collection.Id, embedding, maxFaces, faceMatchThreshold, excludeRowId: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that a collection can be searched (exists, same face model) without searching it.</summary>
    public Task RequireSearchableAsync(string collectionId, CancellationToken cancellationToken) => RequireAsync(collectionId, cancellationToken);

    private async Task<List<FaceMatch>> SearchAsync(string collectionId, float[] embedding, int k, float threshold, long? excludeRowId, CancellationToken cancellationToken)
    {
        // A hair below the exact boundary so rounding never drops a face; the similarity filter below is exact.
        float minCosine = _comparer.Calibration.ToCosine(threshold) - 1e-4f;
        var hits = (await _search.SearchAsync(collectionId, embedding, excludeRowId is null ? k : k + 1, minCosine, cancellationToken).ConfigureAwait(false))
            .Where(h => h.Id != excludeRowId)
            .Take(k)
            .ToList();
        var byRow = (await store.GetFacesByRowIdsAsync([.. hits.Select(h => h.Id)], cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.RowId);
        return [.. hits
            .Where(h => byRow.ContainsKey(h.Id))
            .Select(h => new FaceMatch(_comparer.Calibration.ToSimilarity(h.Score), ToFace(byRow[h.Id], FaceModelVersion)))
            .Where(m => m.Similarity >= threshold)];
    }
}
