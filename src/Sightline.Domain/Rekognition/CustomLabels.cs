namespace Sightline.Rekognition;

/// <summary>One object a custom detector found: its label, confidence (0–100) and where (normalised box and its four corners).</summary>
public sealed record CustomLabel(string Name, float Confidence, Geometry? Geometry);

public sealed record DetectCustomLabelsResponse(IReadOnlyList<CustomLabel> CustomLabels);
