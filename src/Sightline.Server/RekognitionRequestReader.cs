using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sightline.Server;

/// <summary>
/// Reads an AWS JSON 1.1 body, once, into its operation's typed request. Anything that is not a JSON object of the
/// request's shape — malformed or truncated JSON, a value of the wrong JSON type, a number out of its field's range,
/// base64 that is not base64, nesting deeper than <see cref="MaxDepth"/> — is Rekognition's SerializationException
/// (400) naming the field, as AWS answers it; the AWS SDKs raise it as a service exception of that name.
/// </summary>
public static class RekognitionRequestReader
{
    /// <summary>Deeper than any request shape needs (DetectText's polygons are four levels down).</summary>
    public const int MaxDepth = 32;

    private static readonly Dictionary<string, JsonTypeInfo> s_requests = new(StringComparer.Ordinal)
    {
        ["DetectFaces"] = RequestJsonContext.Default.DetectFacesRequest,
        ["CompareFaces"] = RequestJsonContext.Default.CompareFacesRequest,
        ["DetectText"] = RequestJsonContext.Default.DetectTextApiRequest,
        ["DetectLabels"] = RequestJsonContext.Default.DetectLabelsRequest,
        ["CreateCollection"] = RequestJsonContext.Default.CollectionRequest,
        ["DescribeCollection"] = RequestJsonContext.Default.CollectionRequest,
        ["ListCollections"] = RequestJsonContext.Default.CollectionRequest,
        ["DeleteCollection"] = RequestJsonContext.Default.CollectionRequest,
        ["IndexFaces"] = RequestJsonContext.Default.IndexFacesApiRequest,
        ["ListFaces"] = RequestJsonContext.Default.FacesApiRequest,
        ["DeleteFaces"] = RequestJsonContext.Default.FacesApiRequest,
        ["SearchFaces"] = RequestJsonContext.Default.SearchFacesApiRequest,
        ["SearchFacesByImage"] = RequestJsonContext.Default.SearchFacesApiRequest,
        ["CreateUser"] = RequestJsonContext.Default.UserApiRequest,
        ["DeleteUser"] = RequestJsonContext.Default.UserApiRequest,
        ["ListUsers"] = RequestJsonContext.Default.UserApiRequest,
        ["AssociateFaces"] = RequestJsonContext.Default.UserApiRequest,
        ["DisassociateFaces"] = RequestJsonContext.Default.UserApiRequest,
        ["SearchUsers"] = RequestJsonContext.Default.UserApiRequest,
        ["SearchUsersByImage"] = RequestJsonContext.Default.UserApiRequest,
        ["TagResource"] = RequestJsonContext.Default.TagsApiRequest,
        ["UntagResource"] = RequestJsonContext.Default.TagsApiRequest,
        ["ListTagsForResource"] = RequestJsonContext.Default.TagsApiRequest,
        ["StartFaceDetection"] = VideoJsonContext.Default.StartVideoJobRequest,
        ["GetFaceDetection"] = VideoJsonContext.Default.GetVideoJobRequest,
        ["StartFaceSearch"] = VideoJsonContext.Default.StartVideoJobRequest,
        ["GetFaceSearch"] = VideoJsonContext.Default.GetVideoJobRequest,
        ["StartLabelDetection"] = VideoJsonContext.Default.StartVideoJobRequest,
        ["GetLabelDetection"] = VideoJsonContext.Default.GetVideoJobRequest,
        ["StartTextDetection"] = VideoJsonContext.Default.StartVideoJobRequest,
        ["GetTextDetection"] = VideoJsonContext.Default.GetVideoJobRequest,
        ["StartSegmentDetection"] = VideoJsonContext.Default.StartVideoJobRequest,
        ["GetSegmentDetection"] = VideoJsonContext.Default.GetVideoJobRequest,
        ["StartPersonTracking"] = VideoJsonContext.Default.StartVideoJobRequest,
        ["GetPersonTracking"] = VideoJsonContext.Default.GetVideoJobRequest,
        ["DetectCustomLabels"] = RequestJsonContext.Default.DetectCustomLabelsRequest,
        ["CreateStreamProcessor"] = StreamProcessorJsonContext.Default.CreateStreamProcessorRequest,
        ["StartStreamProcessor"] = StreamProcessorJsonContext.Default.StartStreamProcessorRequest,
        ["StopStreamProcessor"] = StreamProcessorJsonContext.Default.StreamProcessorNameRequest,
        ["DescribeStreamProcessor"] = StreamProcessorJsonContext.Default.StreamProcessorNameRequest,
        ["DeleteStreamProcessor"] = StreamProcessorJsonContext.Default.StreamProcessorNameRequest,
        ["ListStreamProcessors"] = StreamProcessorJsonContext.Default.ListStreamProcessorsRequest,
        ["UpdateStreamProcessor"] = StreamProcessorJsonContext.Default.UpdateStreamProcessorRequest,
    };

    /// <summary>The shape of an operation's request (its fields and their types).</summary>
    public static JsonTypeInfo RequestType(string operation) =>
        s_requests.TryGetValue(operation, out var type) ? type : throw new KeyNotFoundException($"Operation '{operation}' has no request shape.");

    public static object Read(string operation, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
            throw SightlineException.Serialization("The request body is empty; send a JSON object.");
        try
        {
            return JsonSerializer.Deserialize(body, RequestType(operation))
                ?? throw SightlineException.Serialization("The request body is null; send a JSON object.");
        }
        catch (JsonException ex)
        {
            throw SightlineException.Serialization($"Could not read the request at {Describe(ex)}", ex);
        }
    }

    /// <summary>Where (the field's JSON path) and why a body could not be read.</summary>
    internal static string Describe(JsonException ex) => $"{ex.Path ?? "$"}: {Reason(ex)}";

    /// <summary>
    /// Why, without the reader's position suffix (the path already says where) or the server's type names (a
    /// conversion failure names the request record, not the field's type).
    /// </summary>
    private static string Reason(JsonException ex)
    {
        if (ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return ex.InnerException is FormatException
                ? "the value does not have this field's format (a blob must be base64)."
                : "the value does not have the JSON type this field takes.";
        int at = ex.Message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at > 0 ? ex.Message[..at] : ex.Message;
    }
}
