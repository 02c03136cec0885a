using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;

namespace Sightline.Collections;

public sealed partial class CollectionService
{
    /// <summary>SearchFacesByImage: the largest face of the probe against the collection. The probe is not stored.</summary>
    public Identified<SearchFacesByImageResponse> SearchFacesByImage(string collectionId, DecodedImage image, int? maxFaces, float? faceMatchThreshold, CancellationToken cancellationToken)
    {
        var collection = Require(collectionId);
        int k = Validate.Range("MaxFaces", maxFaces, 80, 1, MaxSearchFaces);
        float threshold = Validate.Threshold("FaceMatchThreshold", faceMatchThreshold, DefaultFaceMatchThreshold);
        var faces = engine.Analyze(image, new FaceRequest { Embeddings = true, MaxFaces = 1 }, cancellationToken);
        if (faces.Count == 0)
            throw SightlineException.InvalidParameter("There are no faces in the image. Should be at least 1.");
        var probe = faces[0];
        var matches = Search(collection.Id, probe.Embedding!, k, threshold, excludeRowId: null, cancellationToken);
        return new(new SearchFacesByImageResponse(RekognitionMapper.Box(probe.Box, image.Width, image.Height), probe.Score * 100f, matches, FaceModelVersion), LeadMatches.Of(matches));
    }

    /// <summary>SearchFaces: an indexed face against the rest of its collection.</summary>
    public Identified<SearchFacesResponse> SearchFaces(string collectionId, string faceId, int? maxFaces, float? faceMatchThreshold, CancellationToken cancellationToken)
    {
        var collection = Require(collectionId);
        var id = Validate.FaceId(faceId);
        int k = Validate.Range("MaxFaces", maxFaces, 80, 1, MaxSearchFaces);
        float threshold = Validate.Threshold("FaceMatchThreshold", faceMatchThreshold, DefaultFaceMatchThreshold);
        var face = store.GetFace(collection.Id, id)
            ?? throw new SightlineException(ErrorKind.InvalidParameter, $"Face {id} is not in collection {collection.Id}.");
        var matches = Search(collection.Id, face.Embedding!, k, threshold, face.RowId, cancellationToken);
        return new(new SearchFacesResponse(id, matches, FaceModelVersion), LeadMatches.Of(matches));
    }

    /// <summary>A face already embedded (a video frame's) against a collection: matches at or above the threshold, best first.</summary>
    public IReadOnlyList<FaceMatch> SearchByEmbedding(string collectionId, float[] embedding, int maxFaces, float faceMatchThreshold, CancellationToken cancellationToken)
    {
        var collection = Require(collectionId);
        return Search(collection.Id, embedding, maxFaces, faceMatchThreshold, excludeRowId: null, cancellationToken);
    }

    /// <summary>Checks that a collection can be searched (exists, same face model) without searching it.</summary>
    public void RequireSearchable(string collectionId) => Require(collectionId);

    private List<FaceMatch> Search(string collectionId, float[] embedding, int k, float threshold, long? excludeRowId, CancellationToken cancellationToken)
    {
        // A hair below the exact boundary so rounding never drops a face; the similarity filter below is exact.
        float minCosine = _comparer.Calibration.ToCosine(threshold) - 1e-4f;
        var hits = indexes.Get(collectionId).Search(embedding, excludeRowId is null ? k : k + 1, minCosine, cancellationToken)
            .Where(h => h.Id != excludeRowId)
            .Take(k)
            .ToList();
        var byRow = store.GetFacesByRowIds([.. hits.Select(h => h.Id)]).ToDictionary(f => f.RowId);
        return [.. hits
            .Where(h => byRow.ContainsKey(h.Id))
            .Select(h => new FaceMatch(_comparer.Calibration.ToSimilarity(h.Score), ToFace(byRow[h.Id], FaceModelVersion)))
            .Where(m => m.Similarity >= threshold)];
    }
}
