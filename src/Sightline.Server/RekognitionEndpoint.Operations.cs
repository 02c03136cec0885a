using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;

namespace Sightline.Server;

public sealed partial class RekognitionEndpoint
{
    // Rekognition's attribute names; any beyond DEFAULT asks for the estimated attributes (all are computed together).
    private static readonly HashSet<string> s_attributes =
    [
        "DEFAULT", "ALL", "AGE_RANGE", "BEARD", "EMOTIONS", "EYE_DIRECTION", "EYEGLASSES", "EYES_OPEN", "GENDER",
        "MOUTH_OPEN", "MUSTACHE", "FACE_OCCLUDED", "SMILE", "SUNGLASSES",
    ];

    private static bool WantsAttributes(IReadOnlyList<string>? attributes)
    {
        if (attributes is null)
            return false;
        foreach (var a in attributes)
        {
            if (!s_attributes.Contains(a))
                throw SightlineException.InvalidParameter($"Unknown attribute '{a}'. Valid: {string.Join(", ", s_attributes)}.");
        }
        return attributes.Any(a => a != "DEFAULT");
    }

    private DetectFacesResponse DetectFaces(DetectFacesRequest request, CancellationToken ct)
    {
        using var image = Decode(request.Image, "Image");
        var faces = engine.Analyze(image, new FaceRequest { AllAttributes = WantsAttributes(request.Attributes) }, ct);
        return new DetectFacesResponse([.. faces.Select(f => RekognitionMapper.ToFaceDetail(f, image.Width, image.Height))]);
    }

    private CompareFacesResponse CompareFaces(CompareFacesRequest request, CancellationToken ct)
    {
        using var source = Decode(request.SourceImage, "SourceImage");
        using var target = Decode(request.TargetImage, "TargetImage");
        return comparer.Compare(source, target, request.SimilarityThreshold ?? FaceComparer.DefaultThreshold, ct);
    }

    private async Task<IndexFacesResponse> IndexFacesAsync(Storage.AuditEntry audit, IndexFacesApiRequest r, CancellationToken ct)
    {
        using var image = Decode(r.Image, "Image");
        return await collections.IndexFacesAsync(audit, new IndexFacesRequest(r.CollectionId!, r.ExternalImageId, r.MaxFaces, r.QualityFilter, WantsAttributes(r.DetectionAttributes)), image, ct).ConfigureAwait(false);
    }

    private async Task<Identified<SearchFacesByImageResponse>> SearchFacesByImageAsync(SearchFacesApiRequest r, CancellationToken ct)
    {
        using var image = Decode(r.Image, "Image");
        return await collections.SearchFacesByImageAsync(r.CollectionId!, image, r.MaxFaces, r.FaceMatchThreshold, ct).ConfigureAwait(false);
    }

    private async Task<Identified<SearchUsersByImageResponse>> SearchUsersByImageAsync(UserApiRequest r, CancellationToken ct)
    {
        using var image = Decode(r.Image, "Image");
        return await collections.SearchUsersByImageAsync(r.CollectionId!, image, r.UserMatchThreshold, r.MaxUsers, ct).ConfigureAwait(false);
    }

    private DecodedImage Decode(ImageInput? input, string name)
    {
        if (input is null || (input.Bytes is null) == (input.S3Object is null))
            throw SightlineException.InvalidParameter($"{name} needs exactly one of Bytes and S3Object.");
        if (input.Bytes is { } bytes)
            return decoder.Decode(bytes, ImageSource.Inline);
        var o = input.S3Object!;
        return decoder.Decode(objects.Read(o.Bucket, o.Name), ImageSource.File);
    }
}
