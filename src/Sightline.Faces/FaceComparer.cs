using System.Numerics.Tensors;
using Sightline.Imaging;
using Sightline.Rekognition;

namespace Sightline.Faces;

/// <summary>CompareFaces: the largest source face against up to 100 target faces.</summary>
public sealed class FaceComparer(FaceEngine engine, SimilarityCalibration calibration)
{
    public const float DefaultThreshold = 80f;

    public FaceComparer(FaceEngine engine)
        : this(engine, SimilarityCalibration.Default)
    {
    }

    public SimilarityCalibration Calibration => calibration;

    public float Similarity(float[] a, float[] b) => calibration.ToSimilarity(TensorPrimitives.Dot(a, b));

    public CompareFacesResponse Compare(DecodedImage source, DecodedImage target, float similarityThreshold, CancellationToken cancellationToken)
    {
        if (float.IsNaN(similarityThreshold) || similarityThreshold is < 0 or > 100)
            throw SightlineException.InvalidParameter($"SimilarityThreshold must be between 0 and 100, got {similarityThreshold}.");
        var request = new FaceRequest { Embeddings = true };
        var sourceFaces = engine.Analyze(source, request with { MaxFaces = 1 }, cancellationToken);
        if (sourceFaces.Count == 0)
            throw SightlineException.InvalidParameter("No face was detected in the source image.");
        var sourceFace = sourceFaces[0];
        var targetFaces = engine.Analyze(target, request with { MaxFaces = 100 }, cancellationToken);
        var matches = new List<CompareFacesMatch>();
        var unmatched = new List<ComparedFace>();
        foreach (var face in targetFaces)
        {
            float similarity = Similarity(sourceFace.Embedding!, face.Embedding!);
            var compared = ToComparedFace(face, target.Width, target.Height);
            if (similarity >= similarityThreshold)
                matches.Add(new CompareFacesMatch(similarity, compared));
            else
                unmatched.Add(compared);
        }
        return new CompareFacesResponse
        {
            SourceImageFace = new ComparedSourceImageFace(RekognitionMapper.Box(sourceFace.Box, source.Width, source.Height), sourceFace.Score * 100f),
            FaceMatches = [.. matches.OrderByDescending(m => m.Similarity)],
            UnmatchedFaces = unmatched,
        };
    }

    private static ComparedFace ToComparedFace(AnalyzedFace face, int width, int height) => new()
    {
        BoundingBox = RekognitionMapper.Box(face.Box, width, height),
        Confidence = face.Score * 100f,
        // CompareFaces reports the five alignment landmarks only, as Rekognition does.
        Landmarks = [.. RekognitionMapper.Landmarks(face.Landmarks, width, height).Take(5)],
        Pose = RekognitionMapper.ToPose(face),
        Quality = new ImageQuality(face.Brightness, face.Sharpness),
    };
}
