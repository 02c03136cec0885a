using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Analysis;

/// <summary>
/// SSR-Net (soft stagewise regression) for age or gender: 64×64 crop of the box ×1.4, ImageNet mean/std on
/// BGR channel order (measured better than RGB for these weights), merged from three 3-bin stages.
/// Age = merge × 101; gender = merge (above 0.5 is male).
/// </summary>
public sealed class SsrNetModel : IDisposable
{
    private static readonly string[] s_outputs =
    [
        "prob_stage_1", "prob_stage_2", "prob_stage_3",
        "stage1_delta_k", "stage2_delta_k", "stage3_delta_k",
        "index_offset_stage1", "index_offset_stage2", "index_offset_stage3",
    ];

    private static readonly float[] s_mean = [0.485f * 255, 0.456f * 255, 0.406f * 255];
    private static readonly float[] s_scale = [1 / (0.229f * 255), 1 / (0.224f * 255), 1 / (0.225f * 255)];
    private readonly long[] _shape;
    private readonly int[] _outputIndex;
    private readonly int _size;

    public SsrNetModel(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[1] != 3)
            throw Model.Unsupported("input must be [1,3,S,S]");
        _size = shape[2];
        _shape = [1, 3, _size, _size];
        _outputIndex = s_outputs.Select(name =>
        {
            int i = Model.OutputNames.ToList().IndexOf(name);
            return i >= 0 ? i : throw Model.Unsupported($"output '{name}' is missing");
        }).ToArray();
    }

    public OnnxModel Model { get; }

    /// <summary>The raw SSR-Net merge (0..1) for the face in <paramref name="box"/>.</summary>
    public float Predict(Mat bgr, RectF box)
    {
        using var patch = ImageOps.CropResize(bgr, box.Scale(1.4f), _size, _size);
        using var outputs = Model.Run(_shape, patch, static (span, p) => ImageOps.ToChw(p, span, rgb: false, s_mean, s_scale));
        Span<float> x = stackalloc float[21];
        int at = 0;
        foreach (int index in _outputIndex)
        {
            var values = outputs[index].GetTensorDataAsSpan<float>();
            values.CopyTo(x[at..]);
            at += values.Length;
        }
        return Merge(x);
    }

    /// <summary>SSR-Net stage merge with s = (3,3,3), λ_local = λ_d = 1, over the 21 concatenated outputs.</summary>
    internal static float Merge(ReadOnlySpan<float> x)
    {
        const int s = 3;
        float a = 0, b = 0, c = 0;
        for (int i = 0; i < s; i++)
        {
            a += (i + x[12 + i]) * x[i];
            b += (i + x[15 + i]) * x[3 + i];
            c += (i + x[18 + i]) * x[6 + i];
        }
        float d1 = s * (1 + x[9]), d2 = s * (1 + x[10]), d3 = s * (1 + x[11]);
        return a / d1 + b / d1 / d2 + c / d1 / d2 / d3;
    }

    public void Dispose() => Model.Dispose();
}
