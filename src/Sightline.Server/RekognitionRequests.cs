using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Server;

// Request shapes of the AWS JSON 1.1 protocol (PascalCase members, base64 Image.Bytes).

public sealed record ImageInput(byte[]? Bytes, JsonElement? S3Object);

public sealed record DetectFacesRequest(ImageInput? Image, IReadOnlyList<string>? Attributes);

public sealed record CompareFacesRequest(ImageInput? SourceImage, ImageInput? TargetImage, float? SimilarityThreshold);

[JsonSerializable(typeof(DetectFacesRequest))]
[JsonSerializable(typeof(CompareFacesRequest))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;
