using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Detection;

/// <summary>
/// MediaPipe BlazeFace (back-camera, 256×256) ONNX: NHWC RGB input x/255 (this export separates faces from
/// texture far better on [0,1] than on [−1,1]: on the development photos every true face scored ≥ 0.50 and every
/// false candidate ≤ 0.34, against overlapping ranges with [−1,1]); two score heads (16×16×2 and
/// 8×8×6 anchors) and two regressor heads of 16 values (box centre/size and 6 keypoints, in input pixels
/// relative to the anchor centre). Scores are logits.
/// </summary>
public sealed class BlazeFaceDetector : IRegionDetector
{
    /// <summary>Score threshold chosen on the detection development set, in the gap between 0.34 and 0.50 (docs/accuracy.md).</summary>
    public const float DefaultThreshold = 0.42f;

    private readonly long[] _shape;
    private readonly float[] _anchors; // (cx, cy) pairs, normalised, in model output order
    private readonly (int Scores, int Boxes)[] _heads;

    public BlazeFaceDetector(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[3] != 3 || shape[1] != shape[2])
            throw Model.Unsupported("input must be square NHWC [1,S,S,3]");
        InputWidth = InputHeight = shape[1];
        _shape = [1, InputHeight, InputWidth, 3];
        _heads = MapHeads();
        _anchors = BuildAnchors(InputWidth);
    }

    public string ModelId => Model.File.Id;

    public OnnxModel Model { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    /// <summary>Pairs each score head with the regressor head of the same anchor count, finest grid first.</summary>
    private (int, int)[] MapHeads()
    {
        var outs = Model.OutputNames.Select((name, i) => (i, dims: Model.Outputs[name].Dimensions)).ToList();
        var scores = outs.Where(o => o.dims.Length == 3 && o.dims[2] == 1).OrderByDescending(o => o.dims[1]).ToList();
        var boxes = outs.Where(o => o.dims.Length == 3 && o.dims[2] == 16).OrderByDescending(o => o.dims[1]).ToList();
        if (scores.Count != 2 || boxes.Count != 2 || scores[0].dims[1] != boxes[0].dims[1] || scores[1].dims[1] != boxes[1].dims[1])
            throw Model.Unsupported("expected two score heads [1,N,1] and two regressor heads [1,N,16]");
        return [(scores[0].i, boxes[0].i), (scores[1].i, boxes[1].i)];
    }

    /// <summary>SSD anchors of the MediaPipe back model: strides 16 (2 per cell) and 32 (6 per cell), fixed size.</summary>
    internal static float[] BuildAnchors(int size)
    {
        var list = new List<float>();
        foreach (var (stride, perCell) in new[] { (16, 2), (32, 6) })
        {
            int grid = size / stride;
            for (int y = 0; y < grid; y++)
            {
                for (int x = 0; x < grid; x++)
                {
                    for (int k = 0; k < perCell; k++)
                    {
                        list.Add((x + 0.5f) / grid);
                        list.Add((y + 0.5f) / grid);
                    }
                }
            }
        }
        return [.. list];
    }

    public List<DetectedFace> DetectRegion(Mat bgr, RectF region, float scoreThreshold)
    {
        using var tile = ImageOps.CropResize(bgr, region, InputWidth, InputHeight);
        using var outputs = Model.Run(_shape, tile, static (span, t) => ImageOps.ToHwcRgb(t, span, 1 / 255f, 0f));
        float logitThreshold = MathF.Log(scoreThreshold / (1 - scoreThreshold));
        float s = InputWidth;
        var result = new List<DetectedFace>();
        int anchor = 0;
        foreach (var (scoreIndex, boxIndex) in _heads)
        {
            var scores = outputs[scoreIndex].GetTensorDataAsSpan<float>();
            var regs = outputs[boxIndex].GetTensorDataAsSpan<float>();
            for (int i = 0; i < scores.Length; i++, anchor++)
            {
                if (scores[i] < logitThreshold)
                    continue;
                float score = 1f / (1f + MathF.Exp(-Math.Clamp(scores[i], -100f, 100f)));
                var r = regs.Slice(i * 16, 16);
                float ax = _anchors[2 * anchor], ay = _anchors[2 * anchor + 1];
                float cx = ax + r[0] / s, cy = ay + r[1] / s, w = r[2] / s, h = r[3] / s;
                var keypoints = new PointF[6];
                for (int k = 0; k < 6; k++)
                    keypoints[k] = new PointF(region.X1 + (ax + r[4 + 2 * k] / s) * region.Width, region.Y1 + (ay + r[5 + 2 * k] / s) * region.Height);
                result.Add(new DetectedFace(
                    new RectF(region.X1 + (cx - w / 2) * region.Width, region.Y1 + (cy - h / 2) * region.Height,
                              region.X1 + (cx + w / 2) * region.Width, region.Y1 + (cy + h / 2) * region.Height),
                    score, keypoints));
            }
        }
        return result;
    }

    public void Dispose() => Model.Dispose();
}
