using Sightline.Inference;
using Sightline.Faces.Detection;
using Sightline.Models;

namespace Sightline.Faces;

/// <summary>Which model runs each role (ids from the model pack) and how. Changing a detector is a configuration change.</summary>
public sealed record FaceEngineOptions
{
    public string ModelsDirectory { get; init; } = ModelPaths.DefaultModelsDirectory;

    /// <summary>Default detector, chosen by measurement on the detection development set (docs/accuracy.md, "Detector choice").</summary>
    public string Detector { get; init; } = "ultraface-rfb320";

    public string Landmarks { get; init; } = "landmark68";

    public string Embedder { get; init; } = "mobilefacenet-512";

    public string Age { get; init; } = "ssrnet-age";

    public string Gender { get; init; } = "ssrnet-gender";

    public string Pose { get; init; } = "hopenet-pose";

    public string Eyes { get; init; } = "eye-state24";

    public string Expression { get; init; } = "fer-densenet121";

    public DetectorOptions Detection { get; init; } = new();

    public InferenceOptions Inference { get; init; } = new();

    /// <summary>Rekognition returns at most 100 faces per image.</summary>
    public int MaxFaces { get; init; } = 100;

    /// <summary>Faces analysed at once; defaults to the core count.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>What to compute for each face.</summary>
public sealed record FaceRequest
{
    public bool AllAttributes { get; init; }

    public bool Embeddings { get; init; }

    public int? MaxFaces { get; init; }

    public static FaceRequest Default { get; } = new();
}
