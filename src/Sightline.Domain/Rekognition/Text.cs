namespace Sightline.Rekognition;

public sealed record Point(float X, float Y);

public sealed record Geometry(BoundingBox BoundingBox, IReadOnlyList<Point> Polygon);

/// <summary>One LINE or WORD. Words carry their line's Id as ParentId.</summary>
public sealed record TextDetection(string DetectedText, string Type, int Id, int? ParentId, float Confidence, Geometry Geometry);

public sealed record DetectTextResponse(IReadOnlyList<TextDetection> TextDetections, string TextModelVersion);
