using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;

namespace Sightline.Server;

/// <summary>
/// The AWS JSON 1.1 entry point: <c>POST /</c> with <c>X-Amz-Target: RekognitionService.Operation</c>.
/// Errors carry Rekognition's <c>__type</c> so the AWS SDKs raise the matching exception class.
/// </summary>
public sealed class RekognitionEndpoint(FaceEngine engine, FaceComparer comparer, ImageDecoder decoder)
{
    private const string TargetPrefix = "RekognitionService.";

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        string target = context.Request.Headers["X-Amz-Target"].ToString();
        try
        {
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
                throw SightlineException.InvalidParameter("Missing or malformed X-Amz-Target header.");
            object response = target[TargetPrefix.Length..] switch
            {
                "DetectFaces" => DetectFaces(await ReadAsync(context, RequestJsonContext.Default.DetectFacesRequest, ct).ConfigureAwait(false), ct),
                "CompareFaces" => CompareFaces(await ReadAsync(context, RequestJsonContext.Default.CompareFacesRequest, ct).ConfigureAwait(false), ct),
                var op => throw new UnknownOperationException(op),
            };
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(response switch
            {
                DetectFacesResponse d => RekognitionJson.Serialize(d),
                CompareFacesResponse c => RekognitionJson.Serialize(c),
                _ => "{}",
            }, ct).ConfigureAwait(false);
        }
        catch (SightlineException ex)
        {
            await ErrorAsync(context, ex.Kind == ErrorKind.ModelUnavailable ? 500 : 400, ex.RekognitionType, ex.Message).ConfigureAwait(false);
        }
        catch (UnknownOperationException ex)
        {
            await ErrorAsync(context, 400, "UnknownOperationException", $"Operation '{ex.Message}' is not supported.").ConfigureAwait(false);
        }
    }

    private DetectFacesResponse DetectFaces(DetectFacesRequest request, CancellationToken ct)
    {
        using var image = Decode(request.Image, "Image");
        bool all = WantsAttributes(request.Attributes);
        var faces = engine.Analyze(image, new FaceRequest { AllAttributes = all }, ct);
        return new DetectFacesResponse([.. faces.Select(f => RekognitionMapper.ToFaceDetail(f, image.Width, image.Height))]);
    }

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

    private CompareFacesResponse CompareFaces(CompareFacesRequest request, CancellationToken ct)
    {
        using var source = Decode(request.SourceImage, "SourceImage");
        using var target = Decode(request.TargetImage, "TargetImage");
        return comparer.Compare(source, target, request.SimilarityThreshold ?? FaceComparer.DefaultThreshold, ct);
    }

    private DecodedImage Decode(ImageInput? input, string name)
    {
        if (input?.Bytes is not { } bytes)
            throw SightlineException.InvalidParameter(input?.S3Object is null
                ? $"{name}.Bytes is required."
                : $"{name}.S3Object is not supported by this server yet; send {name}.Bytes.");
        return decoder.Decode(bytes, ImageSource.Inline);
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, ct).ConfigureAwait(false)
                ?? throw SightlineException.InvalidParameter("The request body is empty.");
        }
        catch (JsonException ex)
        {
            throw SightlineException.InvalidParameter($"The request body is not valid JSON for this operation: {ex.Message}");
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    private sealed class UnknownOperationException(string operation) : Exception(operation);
}
