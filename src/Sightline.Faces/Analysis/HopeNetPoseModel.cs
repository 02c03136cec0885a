using System.Numerics.Tensors;
using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Analysis;

/// <summary>Head pose in degrees.</summary>
public readonly record struct HeadPose(float Yaw, float Pitch, float Roll);

/// <summary>
/// HopeNet: 224×224 RGB ImageNet-normalised crop of the box ×1.5 → three 66-bin heads (yaw, pitch, roll);
/// angle = softmax expectation × 3 − 99 degrees.
/// </summary>
public sealed class HopeNetPoseModel : IDisposable
{
    private static readonly float[] s_mean = [0.485f * 255, 0.456f * 255, 0.406f * 255];
    private static readonly float[] s_scale = [1 / (0.229f * 255), 1 / (0.224f * 255), 1 / (0.225f * 255)];
    private readonly long[] _shape;
    private readonly int _size;

    public HopeNetPoseModel(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[1] != 3 || Model.OutputNames.Count != 3)
            throw Model.Unsupported("expected [1,3,S,S] in and three angle heads out");
        _size = shape[2];
        _shape = [1, 3, _size, _size];
    }

    public OnnxModel Model { get; }

    public HeadPose Predict(Mat bgr, RectF box)
    {
        using var patch = ImageOps.CropResize(bgr, box.Scale(1.5f), _size, _size);
        using var outputs = Model.Run(_shape, patch, static (span, p) => ImageOps.ToChw(p, span, rgb: true, s_mean, s_scale));
        return new HeadPose(Angle(outputs[0].GetTensorDataAsSpan<float>()), Angle(outputs[1].GetTensorDataAsSpan<float>()), Angle(outputs[2].GetTensorDataAsSpan<float>()));
    }

    internal static float Angle(ReadOnlySpan<float> logits)
    {
        Span<float> p = stackalloc float[logits.Length];
        TensorPrimitives.SoftMax(logits, p);
        float expectation = 0;
        for (int i = 0; i < p.Length; i++)
            expectation += p[i] * i;
        return expectation * 3 - 99;
    }

    public void Dispose() => Model.Dispose();
}
