namespace Sightline.Rekognition;

// Shapes follow @aws-sdk/client-rekognition dist-types/models exactly (PascalCase on the wire).
// Null members are omitted when serialised, as Rekognition omits attributes it was not asked for.

public sealed record BoundingBox(float Width, float Height, float Left, float Top);

public sealed record Landmark(string Type, float X, float Y);

public sealed record Pose(float Roll, float Yaw, float Pitch);

public sealed record ImageQuality(float Brightness, float Sharpness);

public sealed record AgeRange(int Low, int High);

public sealed record BoolAttribute(bool Value, float Confidence);

public sealed record Gender(string Value, float Confidence);

public sealed record Emotion(string Type, float Confidence);

public sealed record FaceDetail
{
    public required BoundingBox BoundingBox { get; init; }
    public AgeRange? AgeRange { get; init; }
    public BoolAttribute? Smile { get; init; }
    public Gender? Gender { get; init; }
    public BoolAttribute? EyesOpen { get; init; }
    public BoolAttribute? MouthOpen { get; init; }
    public IReadOnlyList<Emotion>? Emotions { get; init; }
    public required IReadOnlyList<Landmark> Landmarks { get; init; }
    public required Pose Pose { get; init; }
    public required ImageQuality Quality { get; init; }
    public required float Confidence { get; init; }
}

public sealed record DetectFacesResponse(IReadOnlyList<FaceDetail> FaceDetails)
{
    public string? OrientationCorrection { get; init; }
}
