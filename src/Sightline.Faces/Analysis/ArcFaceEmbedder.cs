using System.Numerics.Tensors;
using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Analysis;

/// <summary>
/// ArcFace-format embedders (InsightFace ArcFace, MobileFaceNet): 5-point aligned 112×112 RGB (x−127)/128
/// → D floats, L2-normalised here so similarity is a dot product. InsightFace exports expect (x−127.5)/127.5:
/// a manifest entry sets that with <c>"options": {"mean": 127.5, "std": 127.5}</c>.
/// </summary>
public sealed class ArcFaceEmbedder : IDisposable
{
    private readonly long[] _shape;
    private readonly float[] _mean;
    private readonly float[] _scale;

    public ArcFaceEmbedder(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[1] != 3 || shape[2] != FaceAligner.Size || shape[3] != FaceAligner.Size)
            throw Model.Unsupported("input must be [1,3,112,112]");
        var outDims = Model.Outputs.Values.First().Dimensions;
        Dimension = outDims[^1];
        if (Dimension <= 0)
            throw Model.Unsupported("the embedding size must be fixed");
        _shape = [1, 3, FaceAligner.Size, FaceAligner.Size];
        float mean = Option(file, "mean", 127f), std = Option(file, "std", 128f);
        if (std <= 0)
            throw Model.Unsupported($"option std must be positive, got {std}");
        _mean = [mean, mean, mean];
        _scale = [1 / std, 1 / std, 1 / std];
    }

    private static float Option(ModelFile file, string name, float fallback) =>
        file.Entry.Options is { } o && o.TryGetValue(name, out var v) && v.TryGetSingle(out float f) ? f : fallback;

    public OnnxModel Model { get; }

    public int Dimension { get; }

    public float[] Embed(Mat bgr, PointF[] fivePoints)
    {
        using var outputs = Model.Run(_shape, (bgr, fivePoints, _mean, _scale), static (span, s) =>
        {
            using var aligned = FaceAligner.Align(s.bgr, s.fivePoints);
            ImageOps.ToChw(aligned, span, rgb: true, s._mean, s._scale);
        });
        var raw = outputs[0].GetTensorDataAsSpan<float>();
        var embedding = raw[..Dimension].ToArray();
        float norm = TensorPrimitives.Norm(embedding);
        if (norm > 0)
            TensorPrimitives.Divide(embedding, norm, embedding);
        return embedding;
    }

    public void Dispose() => Model.Dispose();
}
