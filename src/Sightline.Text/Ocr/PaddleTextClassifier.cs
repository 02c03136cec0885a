using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Text.Ocr;

/// <summary>
/// PP-OCR text direction classifier (ONNX, [N,3,48,192] → [N,2]: upright, upside down): a line crop is scaled to
/// height 48 keeping its aspect (at most 192 wide, right-padded with zeros), normalised to (x/255 − 0.5)/0.5.
/// </summary>
public sealed class PaddleTextClassifier : IDisposable
{
    /// <summary>PaddleOCR's default: a crop is turned only when the classifier is this sure.</summary>
    public const float FlipThreshold = 0.9f;

    private const int Height = 48, Width = 192;

    public PaddleTextClassifier(ModelFile file, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        var dims = Model.Inputs.Values.Single().Dimensions;
        if (dims.Length != 4 || dims[1] != 3 || (dims[2] != Height && dims[2] != -1))
            throw Model.Unsupported($"input must be [N,3,{Height},{Width}]");
        if (Model.Outputs.Values.Single().Dimensions is not { Length: 2 } o || o[1] != 2)
            throw Model.Unsupported("output must be [N,2]");
    }

    public OnnxModel Model { get; }

    /// <summary>True when the crop is upside down.</summary>
    public bool IsUpsideDown(Mat lineBgr)
    {
        int width = Math.Clamp((int)Math.Ceiling(Height * lineBgr.Width / (double)Math.Max(1, lineBgr.Height)), 1, Width);
        using var resized = new Mat();
        Cv2.Resize(lineBgr, resized, new Size(width, Height), 0, 0, InterpolationFlags.Linear);
        using var padded = new Mat(Height, Width, MatType.CV_8UC3, new Scalar(127.5, 127.5, 127.5));
        using (var left = new Mat(padded, new Rect(0, 0, width, Height)))
            resized.CopyTo(left);
        float[] mean = [127.5f, 127.5f, 127.5f], scale = [1 / 127.5f, 1 / 127.5f, 1 / 127.5f];
        using var outputs = Model.Run([1, 3, Height, Width], padded, (span, m) => ImageOps.ToChw(m, span, rgb: false, mean, scale));
        var p = outputs[0].GetTensorDataAsSpan<float>();
        return p[1] > p[0] && p[1] >= FlipThreshold;
    }

    public void Dispose() => Model.Dispose();
}
