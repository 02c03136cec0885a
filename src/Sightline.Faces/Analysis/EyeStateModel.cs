using System.Numerics.Tensors;
using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Analysis;

/// <summary>
/// Eye open/closed classifier: 24×24 grey /255 crop of one eye (a square 1.6 × the eye's corner-to-corner width,
/// centred on the eye) → 2 logits; index 1 is "open" (checked on the sample photos, all eyes open).
/// </summary>
public sealed class EyeStateModel : IDisposable
{
    private readonly long[] _shape;
    private readonly int _size;

    public EyeStateModel(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[1] != 1)
            throw Model.Unsupported("input must be grey [1,1,S,S]");
        _size = shape[2];
        _shape = [1, 1, _size, _size];
    }

    public OnnxModel Model { get; }

    /// <summary>Probability that both eyes are open (the lower of the two eyes' probabilities).</summary>
    public float PredictOpen(Mat bgr, ReadOnlySpan<PointF> landmarks68)
    {
        float left = PredictEye(bgr, landmarks68, 36, 39, [37, 38, 40, 41]);
        float right = PredictEye(bgr, landmarks68, 42, 45, [43, 44, 46, 47]);
        return Math.Min(left, right);
    }

    private float PredictEye(Mat bgr, ReadOnlySpan<PointF> p, int corner1, int corner2, ReadOnlySpan<int> lids)
    {
        float cx = 0, cy = 0;
        foreach (int i in lids) { cx += p[i].X; cy += p[i].Y; }
        cx /= lids.Length; cy /= lids.Length;
        float side = Math.Max(4, MathF.Abs(p[corner2].X - p[corner1].X) * 1.6f);
        var region = new RectF(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2);
        using var patch = ImageOps.CropResize(bgr, region, _size, _size);
        using var outputs = Model.Run(_shape, patch, static (span, q) => ImageOps.ToGray(q, span, 1 / 255f));
        Span<float> prob = stackalloc float[2];
        TensorPrimitives.SoftMax(outputs[0].GetTensorDataAsSpan<float>()[..2], prob);
        return prob[1];
    }

    public void Dispose() => Model.Dispose();
}
