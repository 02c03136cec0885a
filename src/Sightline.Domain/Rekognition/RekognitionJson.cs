using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Rekognition;

/// <summary>Serialises responses exactly as the AWS JSON 1.1 protocol carries them.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(CreateStreamProcessorResponse))]
[JsonSerializable(typeof(StartStreamProcessorResponse))]
[JsonSerializable(typeof(DescribeStreamProcessorResponse))]
[JsonSerializable(typeof(ListStreamProcessorsResponse))]
[JsonSerializable(typeof(DetectFacesResponse))]
[JsonSerializable(typeof(CompareFacesResponse))]
[JsonSerializable(typeof(IndexFacesResponse))]
[JsonSerializable(typeof(CreateCollectionResponse))]
[JsonSerializable(typeof(DescribeCollectionResponse))]
[JsonSerializable(typeof(ListCollectionsResponse))]
[JsonSerializable(typeof(DeleteCollectionResponse))]
[JsonSerializable(typeof(ListFacesResponse))]
[JsonSerializable(typeof(DeleteFacesResponse))]
[JsonSerializable(typeof(ListTagsForResourceResponse))]
[JsonSerializable(typeof(UnsuccessfulFaceDeletion))]
[JsonSerializable(typeof(SearchFacesByImageResponse))]
[JsonSerializable(typeof(SearchFacesResponse))]
[JsonSerializable(typeof(ListUsersResponse))]
[JsonSerializable(typeof(AssociateFacesResponse))]
[JsonSerializable(typeof(DisassociateFacesResponse))]
[JsonSerializable(typeof(SearchUsersResponse))]
[JsonSerializable(typeof(SearchUsersByImageResponse))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(StartVideoJobResponse))]
[JsonSerializable(typeof(GetFaceDetectionResponse))]
[JsonSerializable(typeof(GetFaceSearchResponse))]
[JsonSerializable(typeof(VideoJobResults))]
[JsonSerializable(typeof(GetLabelDetectionResponse))]
[JsonSerializable(typeof(GetTextDetectionResponse))]
[JsonSerializable(typeof(GetPersonTrackingResponse))]
[JsonSerializable(typeof(GetSegmentDetectionResponse))]
[JsonSerializable(typeof(GetPlateReadingResponse))]
[JsonSerializable(typeof(DetectTextResponse))]
[JsonSerializable(typeof(DetectCustomLabelsResponse))]
[JsonSerializable(typeof(DetectLabelsResponse))]
public sealed partial class RekognitionJsonContext : JsonSerializerContext;

public static class RekognitionJson
{
    private static readonly RekognitionJsonContext s_compact = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    });

    /// <summary>Any response type registered above, indented or on one line.</summary>
    public static string Serialize<T>(T response, bool indented = true) =>
        JsonSerializer.Serialize(response, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)(indented ? RekognitionJsonContext.Default : s_compact).GetTypeInfo(typeof(T))!);

    /// <summary>Reads back any type registered above.</summary>
    public static T? Deserialize<T>(string json) =>
        JsonSerializer.Deserialize(json, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)s_compact.GetTypeInfo(typeof(T))!);
}
