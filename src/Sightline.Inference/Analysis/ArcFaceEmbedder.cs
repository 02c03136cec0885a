using System.Numerics.Tensors;
using OpenCvSharp;
using Sightline.Models;

namespace Sightline.Inference.Analysis;

/// <summary>
/// ArcFace-format embedders (InsightFace ArcFace, MobileFaceNet): 5-point aligned 112×112 RGB (x−127)/128
/// → D floats, L2-normalised here so similarity is a dot product.
/// </summary>
public sealed class ArcFaceEmbedder : IDisposable
{
    private readonly long[] _shape;

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
    }

    public OnnxModel Model { get; }

    public int Dimension { get; }

    public float[] Embed(Mat bgr, PointF[] fivePoints)
    {
        using var outputs = Model.Run(_shape, (bgr, fivePoints), static (span, s) => FaceAligner.AlignToTensor(s.bgr, s.fivePoints, span));
        var raw = outputs[0].GetTensorDataAsSpan<float>();
        var embedding = raw[..Dimension].ToArray();
        float norm = TensorPrimitives.Norm(embedding);
        if (norm > 0)
            TensorPrimitives.Divide(embedding, norm, embedding);
        return embedding;
    }

    public void Dispose() => Model.Dispose();
}
