namespace Sightline.Text;

/// <summary>Which models read text, from the model pack.</summary>
public sealed record TextEngineOptions
{
    public required string ModelsDirectory { get; init; }

    public string Detector { get; init; } = "ppocr-v4-det";

    public string Recognizer { get; init; } = "ppocr-v4-rec";

    public string Dictionary { get; init; } = "ppocr-keys-v1";

    public string Orientation { get; init; } = "ppocr-mobile-v2-cls";

    /// <summary>Longer image side the detector sees (PaddleOCR's default 960; larger finds smaller text, slower). Images over twice this are seen at half their size, up to 2,048.</summary>
    public int DetectorMaxSide { get; init; } = 960;

    /// <summary>Lines read below this mean character confidence are dropped (PaddleOCR's drop_score).</summary>
    public float MinLineConfidence { get; init; } = 0.5f;
}
