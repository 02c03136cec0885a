using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Detectors.Models;

/// <summary>
/// An agency's own ONNX object detector (YOLOv5, YOLOv8/v11 or SSD layout). Input [1,3,H,W] float RGB in 0–1;
/// YOLO models get a letterboxed image (aspect kept, padded), SSD models a stretched one. The layout is read from
/// the session's outputs (or checked against an explicit one) and anything else is rejected with the reason.
/// </summary>
public sealed partial class CustomDetector : IDisposable
{
    private static readonly float[] s_mean = [0f, 0f, 0f];
    private static readonly float[] s_scale = [1 / 255f, 1 / 255f, 1 / 255f];
    private readonly long[] _shape;

    /// <param name="inputSize">Square input size for models whose input size is symbolic; must agree with a fixed one.</param>
    public CustomDetector(ModelFile file, DetectorLayout layout, int classCount, int? inputSize, InferenceOptions options)
    {
        Model = new OnnxModel(file, options);
        try
        {
            (InputHeight, InputWidth) = InputSize(Model, inputSize);
            _shape = [1, 3, InputHeight, InputWidth];
            Layout = ResolvedLayout.Resolve(layout, Outputs(), classCount);
            CheckExportedNames(Model, classCount);
        }
        catch
        {
            Model.Dispose();
            throw;
        }
    }

    public OnnxModel Model { get; }

    public ResolvedLayout Layout { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    /// <summary>The square training size an exporter recorded (Ultralytics: <c>imgsz</c> "[640, 640]"), for dynamic inputs.</summary>
    private static int? ExportedSize(OnnxModel model)
    {
        if (!model.CustomMetadata.TryGetValue("imgsz", out var text))
            return null;
        var sizes = Regex.Matches(text, "\\d+").Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).Distinct().ToList();
        return sizes.Count == 1 ? sizes[0] : null;
    }

    /// <summary>When the exporter recorded class names (Ultralytics: <c>names</c> "{0: 'gun', 1: 'knife'}"), their count must match the labels file.</summary>
    private static void CheckExportedNames(OnnxModel model, int classCount)
    {
        if (!model.CustomMetadata.TryGetValue("names", out var names))
            return;
        int count = Regex.Matches(names, "(?:^|[{,])\\s*\\d+\\s*:").Count;
        if (count > 0 && count != classCount)
            throw SightlineException.InvalidParameter($"Class count does not match the labels file: the model's metadata names {count} classes, but the labels file has {classCount} line(s).");
    }

    private static (int Height, int Width) InputSize(OnnxModel model, int? asked)
    {
        if (model.Inputs.Count != 1)
            throw SightlineException.InvalidParameter($"A detector has one image input; this model has {model.Inputs.Count}.");
        var input = model.Inputs.Values.Single();
        var dims = input.Dimensions;
        if (input.ElementDataType != TensorElementType.Float || dims.Length != 4 || dims[1] != 3)
            throw SightlineException.InvalidParameter($"A detector's input is float [1,3,H,W] (NCHW RGB); this model's is {input.ElementDataType} [{string.Join(",", dims)}].");
        if (asked is { } size && (size < 32 || size > 2048))
            throw SightlineException.InvalidParameter($"The input size must be from 32 to 2048 pixels, got {size}.");
        bool dynamic = dims[2] <= 0 || dims[3] <= 0;
        if (dynamic)
            return (asked ?? ExportedSize(model)) is { } s ? (s, s) : throw SightlineException.InvalidParameter($"The model's input size is dynamic ([{string.Join(",", dims)}]); give the size it was trained at (--input-size / inputSize) or export it with 'imgsz' metadata.");
        if (asked is { } given && (given != dims[2] || given != dims[3]))
            throw SightlineException.InvalidParameter($"The input size {given} was given but the model's input is fixed at {dims[3]}x{dims[2]}.");
        return (dims[2], dims[3]);
    }

    /// <summary>The outputs' shapes from the session metadata; symbolic sizes (dynamic N) are read from one run on a blank image.</summary>
    private List<OutputInfo> Outputs()
    {
        var infos = Model.OutputNames.Select(n => new OutputInfo(n, [.. Model.Outputs[n].Dimensions.Select(d => (long)d)], IsInteger(Model.Outputs[n].ElementDataType))).ToList();
        if (infos.All(o => o.Dims.All(d => d > 0)))
            return infos;
        using var outputs = Model.Run(_shape, 0, static (span, _) => span.Clear());
        return [.. infos.Select((o, i) => o with { Dims = outputs[i].GetTensorTypeAndShape().Shape })];
    }

    private static bool IsInteger(TensorElementType t) => t is TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Int16 or TensorElementType.UInt8 or TensorElementType.Int8;

    /// <summary>Objects scoring at least <paramref name="minScore"/> (0–1), per-class NMS applied, boxes in image pixels clipped to the image.</summary>
    public List<ObjectDetection> Detect(Mat bgr, float minScore)
    {
        // The part of the image the input covers: YOLO keeps the aspect (letterbox, centred padding), SSD stretches.
        RectF region;
        if (Layout.Layout == DetectorLayout.Ssd)
        {
            region = new RectF(0, 0, bgr.Width, bgr.Height);
        }
        else
        {
            float scale = Math.Min(InputWidth / (float)bgr.Width, InputHeight / (float)bgr.Height);
            float w = InputWidth / scale, h = InputHeight / scale;
            float x = (bgr.Width - w) / 2, y = (bgr.Height - h) / 2;
            region = new RectF(x, y, x + w, y + h);
        }
        using var tile = ImageOps.CropResize(bgr, region, InputWidth, InputHeight);
        using var outputs = Model.Run(_shape, tile, static (span, t) => ImageOps.ToChw(t, span, rgb: true, s_mean, s_scale));
        var candidates = Layout.Layout == DetectorLayout.Ssd ? DecodeSsd(outputs, minScore) : DecodeYolo(outputs[Layout.Output], minScore);
        var kept = ClassNms.Suppress(candidates);
        float sx = region.Width / InputWidth, sy = region.Height / InputHeight;
        return [.. kept.Select(d => d with
        {
            Box = new RectF(region.X1 + d.Box.X1 * sx, region.Y1 + d.Box.Y1 * sy, region.X1 + d.Box.X2 * sx, region.Y1 + d.Box.Y2 * sy).ClipTo(bgr.Width, bgr.Height),
        })];
    }

    public void Dispose() => Model.Dispose();
}
