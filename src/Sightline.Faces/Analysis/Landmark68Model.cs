using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Analysis;

/// <summary>
/// 68-point (iBUG order) landmark regressor: grey 64×64 crop /256 → 136 values normalised to the crop.
/// The crop is a square of side √(w·h) about the detector box centre, widened 5% each side and 10% down,
/// which matched the detector's boxes to the regressor's training crops best (MODELS.md).
/// </summary>
public sealed class Landmark68Model : IDisposable
{
    public const int PointCount = 68;
    private readonly long[] _shape;
    private readonly int _size;

    public Landmark68Model(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[1] != 1 || shape[2] != shape[3])
            throw Model.Unsupported("input must be grey and square [1,1,S,S]");
        if (Model.Outputs.Values.First().Dimensions[^1] != PointCount * 2)
            throw Model.Unsupported("output must hold 136 values");
        _size = shape[2];
        _shape = [1, 1, _size, _size];
    }

    public OnnxModel Model { get; }

    public static RectF CropFor(RectF box)
    {
        float side = MathF.Sqrt(Math.Max(1, box.Width) * Math.Max(1, box.Height));
        float x1 = box.CenterX - side / 2, y1 = box.CenterY - side / 2;
        return new RectF(x1 - 0.05f * side, y1, x1 + 1.05f * side, y1 + 1.1f * side);
    }

    public PointF[] Predict(Mat bgr, RectF box)
    {
        var crop = CropFor(box);
        using var patch = ImageOps.CropResize(bgr, crop, _size, _size);
        using var outputs = Model.Run(_shape, patch, static (span, p) => ImageOps.ToGray(p, span, 1 / 256f));
        var raw = outputs[0].GetTensorDataAsSpan<float>();
        var points = new PointF[PointCount];
        for (int i = 0; i < PointCount; i++)
            points[i] = new PointF(crop.X1 + raw[2 * i] * crop.Width, crop.Y1 + raw[2 * i + 1] * crop.Height);
        return points;
    }

    public void Dispose() => Model.Dispose();
}
