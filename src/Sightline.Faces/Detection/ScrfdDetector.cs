using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Detection;

/// <summary>
/// InsightFace SCRFD ONNX (e.g. scrfd_2.5g_bnkps, scrfd_10g_bnkps) for sites that hold it: RGB (x−127.5)/128,
/// square input (640 when the file leaves it dynamic); per stride 8/16/32 a score head [N,1] (sigmoid already
/// applied), a distance head [N,4] and optionally a keypoint head [N,10], with two anchors per grid cell.
/// Heads are matched by their last dimension and ordered by size, so export order does not matter.
/// </summary>
public sealed class ScrfdDetector : IRegionDetector
{
    public const float DefaultThreshold = 0.5f;
    private const int AnchorsPerCell = 2;
    private static readonly int[] s_strides = [8, 16, 32];
    private static readonly float[] s_mean = [127.5f, 127.5f, 127.5f];
    private static readonly float[] s_scale = [1 / 128f, 1 / 128f, 1 / 128f];
    private readonly long[] _shape;
    private readonly (int Score, int Box, int Kps)[] _heads;

    public ScrfdDetector(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var dims = Model.Inputs.Values.First().Dimensions;
        if (Model.Inputs.Count != 1 || dims.Length != 4 || dims[1] != 3)
            throw Model.Unsupported("input must be [1,3,H,W]");
        InputHeight = dims[2] > 0 ? dims[2] : 640;
        InputWidth = dims[3] > 0 ? dims[3] : 640;
        _shape = [1, 3, InputHeight, InputWidth];
        _heads = MapHeads(Model.OutputNames.Select(n => Model.Outputs[n].Dimensions).ToList())
            ?? throw Model.Unsupported("expected three score heads [N,1], three box heads [N,4] and optionally three keypoint heads [N,10]");
    }

    public string ModelId => Model.File.Id;

    public OnnxModel Model { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    /// <summary>Groups outputs by last dimension (1 score, 4 box, 10 keypoints), each group finest stride first.</summary>
    internal static (int Score, int Box, int Kps)[]? MapHeads(IReadOnlyList<int[]> outputDims)
    {
        List<int> Group(int last) => [.. outputDims.Select((d, i) => (d, i)).Where(x => x.d.Length >= 2 && x.d[^1] == last)
            .OrderByDescending(x => x.d[^2]).Select(x => x.i)];
        var scores = Group(1);
        var boxes = Group(4);
        var kps = Group(10);
        if (scores.Count != 3 || boxes.Count != 3 || (kps.Count != 0 && kps.Count != 3))
            return null;
        return [.. Enumerable.Range(0, 3).Select(i => (scores[i], boxes[i], kps.Count == 3 ? kps[i] : -1))];
    }

    public List<DetectedFace> DetectRegion(Mat bgr, RectF region, float scoreThreshold)
    {
        using var tile = ImageOps.CropResize(bgr, region, InputWidth, InputHeight);
        using var outputs = Model.Run(_shape, tile, static (span, t) => ImageOps.ToChw(t, span, rgb: true, s_mean, s_scale));
        var result = new List<DetectedFace>();
        float sx = region.Width / InputWidth, sy = region.Height / InputHeight;
        for (int level = 0; level < s_strides.Length; level++)
        {
            var (scoreIndex, boxIndex, kpsIndex) = _heads[level];
            Decode(s_strides[level], InputWidth, outputs[scoreIndex].GetTensorDataAsSpan<float>(), outputs[boxIndex].GetTensorDataAsSpan<float>(),
                kpsIndex >= 0 ? outputs[kpsIndex].GetTensorDataAsSpan<float>() : default, scoreThreshold,
                (box, score, kps) => result.Add(new DetectedFace(
                    new RectF(region.X1 + box.X1 * sx, region.Y1 + box.Y1 * sy, region.X1 + box.X2 * sx, region.Y1 + box.Y2 * sy),
                    score,
                    kps?.Select(p => new PointF(region.X1 + p.X * sx, region.Y1 + p.Y * sy)).ToArray())));
        }
        return result;
    }

    /// <summary>SCRFD decoding at one stride: anchor centres on the grid, distances and keypoints in stride units.</summary>
    internal static void Decode(int stride, int inputWidth, ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes, ReadOnlySpan<float> kps,
        float threshold, Action<RectF, float, PointF[]?> emit)
    {
        int cols = inputWidth / stride;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] < threshold)
                continue;
            int cell = i / AnchorsPerCell;
            float cx = cell % cols * stride, cy = cell / cols * stride;
            var d = boxes.Slice(i * 4, 4);
            var box = new RectF(cx - d[0] * stride, cy - d[1] * stride, cx + d[2] * stride, cy + d[3] * stride);
            PointF[]? points = null;
            if (!kps.IsEmpty)
            {
                points = new PointF[5];
                for (int k = 0; k < 5; k++)
                    points[k] = new PointF(cx + kps[i * 10 + 2 * k] * stride, cy + kps[i * 10 + 2 * k + 1] * stride);
            }
            emit(box, scores[i], points);
        }
    }

    public void Dispose() => Model.Dispose();
}
