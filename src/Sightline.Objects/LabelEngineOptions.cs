namespace Sightline.Objects;

/// <summary>Which object detector of the model pack labels images.</summary>
public sealed record LabelEngineOptions
{
    public required string ModelsDirectory { get; init; }

    /// <summary>The default detector, chosen on coco_dev (docs/accuracy.md, "Objects").</summary>
    public string Detector { get; init; } = "centernet-coco";

    /// <summary>Intra-op threads of the detector's session (one: requests run in parallel instead).</summary>
    public int IntraOpThreads { get; init; } = 1;
}
