using System.Numerics.Tensors;
using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Analysis;

/// <summary>
/// FER2013 seven-class expression classifier (DenseNet-121): 224×224 RGB /255 crop of the box ×1.2 →
/// logits in FER order angry, disgust, fear, happy, sad, surprise, neutral. Weak (3/7 on a smoke set): the
/// result is reported as an estimate of apparent expression only.
/// </summary>
public sealed class ExpressionModel : IDisposable
{
    public static readonly string[] FerLabels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];
    private static readonly float[] s_zero = [0, 0, 0];
    private static readonly float[] s_scale = [1 / 255f, 1 / 255f, 1 / 255f];
    private readonly long[] _shape;
    private readonly int _size;

    public ExpressionModel(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[1] != 3 || Model.Outputs.Values.First().Dimensions[^1] != FerLabels.Length)
            throw Model.Unsupported("expected [1,3,S,S] in and 7 classes out");
        _size = shape[2];
        _shape = [1, 3, _size, _size];
    }

    public OnnxModel Model { get; }

    /// <summary>Class probabilities in <see cref="FerLabels"/> order.</summary>
    public float[] Predict(Mat bgr, RectF box)
    {
        using var patch = ImageOps.CropResize(bgr, box.Scale(1.2f), _size, _size);
        using var outputs = Model.Run(_shape, patch, static (span, p) => ImageOps.ToChw(p, span, rgb: true, s_zero, s_scale));
        var probabilities = new float[FerLabels.Length];
        TensorPrimitives.SoftMax(outputs[0].GetTensorDataAsSpan<float>()[..FerLabels.Length], probabilities);
        return probabilities;
    }

    public void Dispose() => Model.Dispose();
}
