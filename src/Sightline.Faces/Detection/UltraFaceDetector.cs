using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Faces.Detection;

/// <summary>
/// UltraFace (Ultra-Light-Fast-Generic-Face-Detector, RFB/slim) ONNX: input [1,3,H,W] RGB (x−127)/128;
/// outputs <c>scores</c> [1,N,2] and <c>boxes</c> [1,N,4] already decoded to normalised x1,y1,x2,y2.
/// </summary>
public sealed class UltraFaceDetector : IRegionDetector
{
    /// <summary>Score threshold chosen on the detection development set (dlib_faces_voc recall vs. false positives; docs/accuracy.md).</summary>
    public const float DefaultThreshold = 0.7f;

    private static readonly float[] s_mean = [127f, 127f, 127f];
    private static readonly float[] s_scale = [1 / 128f, 1 / 128f, 1 / 128f];
    private readonly long[] _shape;

    public UltraFaceDetector(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var shape = Model.FixedInputShape(4);
        if (shape[1] != 3)
            throw Model.Unsupported("input must be [1,3,H,W]");
        if (!Model.Outputs.ContainsKey("scores") || !Model.Outputs.ContainsKey("boxes"))
            throw Model.Unsupported("outputs 'scores' and 'boxes' are required");
        InputHeight = shape[2];
        InputWidth = shape[3];
        _shape = [1, 3, InputHeight, InputWidth];
    }

    public string ModelId => Model.File.Id;

    public OnnxModel Model { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    public List<DetectedFace> DetectRegion(Mat bgr, RectF region, float scoreThreshold)
    {
        using var tile = ImageOps.CropResize(bgr, region, InputWidth, InputHeight);
        using var outputs = Model.Run(_shape, tile, static (span, t) => ImageOps.ToChw(t, span, rgb: true, s_mean, s_scale));
        var scores = Find(outputs, "scores").GetTensorDataAsSpan<float>();
        var boxes = Find(outputs, "boxes").GetTensorDataAsSpan<float>();
        var result = new List<DetectedFace>();
        int n = scores.Length / 2;
        for (int i = 0; i < n; i++)
        {
            float score = scores[2 * i + 1];
            if (score < scoreThreshold)
                continue;
            var b = boxes.Slice(4 * i, 4);
            result.Add(new DetectedFace(
                new RectF(region.X1 + b[0] * region.Width, region.Y1 + b[1] * region.Height,
                          region.X1 + b[2] * region.Width, region.Y1 + b[3] * region.Height), score));
        }
        return result;
    }

    private OrtValue Find(IReadOnlyList<OrtValue> outputs, string name) => outputs[IndexOf(name)];

    private int IndexOf(string name)
    {
        for (int i = 0; i < Model.OutputNames.Count; i++)
        {
            if (Model.OutputNames[i] == name)
                return i;
        }
        throw Model.Unsupported($"output '{name}' is missing");
    }

    public void Dispose() => Model.Dispose();
}
