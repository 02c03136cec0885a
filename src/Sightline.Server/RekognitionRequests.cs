using System.Text.Json;
using System.Text.Json.Serialization;
using Sightline.Rekognition;

namespace Sightline.Server;

// Request shapes of the AWS JSON 1.1 protocol (PascalCase members, base64 Image.Bytes).

/// <summary>
/// What an audit record notes of a request, read from its typed fields: the collection, the match threshold asked
/// for, and the probe (whose bytes are hashed, never kept).
/// </summary>
public interface IAuditedRequest
{
    string? CollectionId => null;

    float? MatchThreshold => null;

    /// <summary>The request field the threshold is read from, to name it when it is refused.</summary>
    string MatchThresholdName => "FaceMatchThreshold";

    ImageInput? ProbeInput => null;
}

public sealed record S3ObjectInput(string? Bucket, string? Name, string? Version);

public sealed record ImageInput(byte[]? Bytes, S3ObjectInput? S3Object);

public sealed record DetectFacesRequest(ImageInput? Image, IReadOnlyList<string>? Attributes);

public sealed record GeneralLabelsSettings(IReadOnlyList<string>? LabelInclusionFilters, IReadOnlyList<string>? LabelExclusionFilters,
    IReadOnlyList<string>? LabelCategoryInclusionFilters, IReadOnlyList<string>? LabelCategoryExclusionFilters);

public sealed record DetectLabelsSettings(GeneralLabelsSettings? GeneralLabels, JsonElement? ImageProperties);

public sealed record DetectLabelsRequest(ImageInput? Image, int? MaxLabels, float? MinConfidence, IReadOnlyList<string>? Features, DetectLabelsSettings? Settings);

public sealed record CompareFacesRequest(ImageInput? SourceImage, ImageInput? TargetImage, float? SimilarityThreshold);

public sealed record CollectionRequest(string? CollectionId, string? NextToken, int? MaxResults) : IAuditedRequest;

public sealed record IndexFacesApiRequest(string? CollectionId, ImageInput? Image, string? ExternalImageId, IReadOnlyList<string>? DetectionAttributes, int? MaxFaces, string? QualityFilter)
    : IAuditedRequest
{
    ImageInput? IAuditedRequest.ProbeInput => Image;
}

public sealed record FacesApiRequest(string? CollectionId, IReadOnlyList<string>? FaceIds, string? NextToken, int? MaxResults, string? UserId) : IAuditedRequest;

public sealed record SearchFacesApiRequest(string? CollectionId, string? FaceId, ImageInput? Image, int? MaxFaces, float? FaceMatchThreshold) : IAuditedRequest
{
    float? IAuditedRequest.MatchThreshold => FaceMatchThreshold;

    ImageInput? IAuditedRequest.ProbeInput => Image;
}

public sealed record UserApiRequest(string? CollectionId, string? UserId, IReadOnlyList<string>? FaceIds, float? UserMatchThreshold, string? FaceId, ImageInput? Image, int? MaxUsers, string? NextToken, int? MaxResults, string? ClientRequestToken)
    : IAuditedRequest
{
    float? IAuditedRequest.MatchThreshold => UserMatchThreshold;

    string IAuditedRequest.MatchThresholdName => nameof(UserMatchThreshold);

    ImageInput? IAuditedRequest.ProbeInput => Image;
}

public sealed record TagsApiRequest(string? ResourceArn, Dictionary<string, string>? Tags, IReadOnlyList<string>? TagKeys) : IAuditedRequest;

public sealed record WordFilterInput(float? MinConfidence, float? MinBoundingBoxHeight, float? MinBoundingBoxWidth);

public sealed record RegionOfInterestInput(Rekognition.BoundingBox? BoundingBox, IReadOnlyList<Rekognition.Point>? Polygon);

public sealed record DetectTextFiltersInput(WordFilterInput? WordFilter, IReadOnlyList<RegionOfInterestInput>? RegionsOfInterest);

public sealed record DetectTextApiRequest(ImageInput? Image, DetectTextFiltersInput? Filters);

public sealed record DetectCustomLabelsRequest(string? ProjectVersionArn, ImageInput? Image, float? MinConfidence, int? MaxResults);

// Nesting deeper than any request shape needs is refused while reading (SerializationException), not walked.
[JsonSourceGenerationOptions(MaxDepth = RekognitionRequestReader.MaxDepth)]
[JsonSerializable(typeof(DetectTextApiRequest))]
[JsonSerializable(typeof(DetectCustomLabelsRequest))]
[JsonSerializable(typeof(TagsApiRequest))]
[JsonSerializable(typeof(DetectFacesRequest))]
[JsonSerializable(typeof(DetectLabelsRequest))]
[JsonSerializable(typeof(CompareFacesRequest))]
[JsonSerializable(typeof(CollectionRequest))]
[JsonSerializable(typeof(IndexFacesApiRequest))]
[JsonSerializable(typeof(FacesApiRequest))]
[JsonSerializable(typeof(SearchFacesApiRequest))]
[JsonSerializable(typeof(UserApiRequest))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;

// Stream processor requests (shapes in Sightline.Rekognition); nesting bounded as for every request.
[JsonSourceGenerationOptions(MaxDepth = RekognitionRequestReader.MaxDepth)]
[JsonSerializable(typeof(CreateStreamProcessorRequest))]
[JsonSerializable(typeof(StartStreamProcessorRequest))]
[JsonSerializable(typeof(StreamProcessorNameRequest))]
[JsonSerializable(typeof(ListStreamProcessorsRequest))]
[JsonSerializable(typeof(UpdateStreamProcessorRequest))]
internal sealed partial class StreamProcessorJsonContext : JsonSerializerContext;
