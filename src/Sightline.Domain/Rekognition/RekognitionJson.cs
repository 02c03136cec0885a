using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Rekognition;

/// <summary>Serialises responses exactly as the AWS JSON 1.1 protocol carries them.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(DetectFacesResponse))]
[JsonSerializable(typeof(CompareFacesResponse))]
public sealed partial class RekognitionJsonContext : JsonSerializerContext;

public static class RekognitionJson
{
    public static string Serialize(DetectFacesResponse response) =>
        JsonSerializer.Serialize(response, RekognitionJsonContext.Default.DetectFacesResponse);

    public static string Serialize(CompareFacesResponse response) =>
        JsonSerializer.Serialize(response, RekognitionJsonContext.Default.CompareFacesResponse);
}
