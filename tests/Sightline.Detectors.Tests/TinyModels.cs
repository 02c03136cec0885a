using System.Runtime.InteropServices;
using Sightline.ModelImport;

namespace Sightline.Detectors.Tests;

/// <summary>One output of a tiny test detector: a fixed tensor, optionally cast to int64 (SSD class ids).</summary>
public sealed record FixedOutput(string Name, long[] Dims, float[] Values, bool AsInt64 = false);

/// <summary>
/// Tiny ONNX detectors written with the repository's own ONNX writer: an image input whose outputs are fixed
/// tensors (plus 0 × the input's sum, so they depend on the input and nothing is folded away). They give known
/// YOLOv5, YOLOv8 and SSD outputs for decoder tests.
/// </summary>
public static class TinyModels
{
    public static byte[] Build(long[] inputDims, params FixedOutput[] outputs) => Build(null, inputDims, outputs);

    /// <param name="metadata">metadata_props, as exporters write them (Ultralytics: names, imgsz).</param>
    public static byte[] Build(IReadOnlyDictionary<string, string>? metadata, long[] inputDims, params FixedOutput[] outputs)
    {
        var nodes = new List<OnnxNode>
        {
            new("ReduceSum", "sum", ["images"], ["sum"], [OnnxAttribute.Of("keepdims", 0L)]),
            new("Mul", "zero_times_sum", ["sum", "zero"], ["nothing"], []),
        };
        var initializers = new List<OnnxTensor> { Floats("zero", [], [0f]) };
        var graphOutputs = new List<OnnxValueInfo>();
        foreach (var o in outputs)
        {
            initializers.Add(Floats(o.Name + "_value", o.Dims, o.Values));
            string added = o.AsInt64 ? o.Name + "_float" : o.Name;
            nodes.Add(new OnnxNode("Add", o.Name + "_add", [o.Name + "_value", "nothing"], [added], []));
            if (o.AsInt64)
                nodes.Add(new OnnxNode("Cast", o.Name + "_cast", [added], [o.Name], [OnnxAttribute.Of("to", (long)ElementType.Int64)]));
            graphOutputs.Add(new OnnxValueInfo(o.Name, o.AsInt64 ? ElementType.Int64 : ElementType.Float, o.Dims));
        }
        var graph = new OnnxGraph("tiny_detector", nodes, initializers, [new OnnxValueInfo("images", ElementType.Float, inputDims)], graphOutputs);
        return OnnxWriter.Serialize(new OnnxModel(graph, Producer: "sightline-tests", Metadata: metadata));
    }

    public static long[] Input64 => [1, 3, 64, 64];

    /// <summary>Three anchors in a 64×64 input, two classes: class 0 at (32,32) 16×8 scoring 0.9, a near-duplicate
    /// of it scoring 0.8 (NMS drops it), class 1 at (10,20) 8×8 scoring 0.7.</summary>
    public static readonly float[][] Anchors =
    [
        [32, 32, 16, 8, 0.9f, 0.1f],
        [33, 32, 16, 8, 0.8f, 0.1f],
        [10, 20, 8, 8, 0.05f, 0.7f],
    ];

    /// <summary>YOLOv8 [1,4+C,N] (channels first) or [1,N,4+C].</summary>
    public static byte[] YoloV8(bool channelsFirst, long[]? input = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        int n = Anchors.Length, per = Anchors[0].Length;
        var values = new float[n * per];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < per; k++)
                values[channelsFirst ? k * n + i : i * per + k] = Anchors[i][k];
        long[] dims = channelsFirst ? [1, per, n] : [1, n, per];
        return Build(metadata, input ?? Input64, new FixedOutput("output0", dims, values));
    }

    /// <summary>YOLOv5 [1,N,5+C]: objectness 1 for every anchor, so scores equal the class scores.</summary>
    public static byte[] YoloV5()
    {
        var values = Anchors.SelectMany(a => a[..4].Append(1f).Concat(a[4..])).ToArray();
        return Build(Input64, new FixedOutput("output", [1, Anchors.Length, 7], values));
    }

    /// <summary>SSD with per-class scores: box 0 (0.1,0.2)–(0.5,0.6) class 2 at 0.85; box 1 is background.</summary>
    public static byte[] SsdMultiClass() => Build(Input64,
        new FixedOutput("boxes", [1, 2, 4], [0.1f, 0.2f, 0.5f, 0.6f, 0.6f, 0.1f, 0.9f, 0.9f]),
        new FixedOutput("scores", [1, 2, 3], [0.1f, 0.2f, 0.85f, 0.9f, 0.05f, 0.05f]));

    /// <summary>SSD with scores [1,N] and int64 classes [1,N].</summary>
    public static byte[] SsdWithClasses() => Build(Input64,
        new FixedOutput("detection_boxes", [1, 2, 4], [0.1f, 0.2f, 0.5f, 0.6f, 0.6f, 0.1f, 0.9f, 0.9f]),
        new FixedOutput("detection_scores", [1, 2], [0.85f, 0.6f]),
        new FixedOutput("detection_classes", [1, 2], [2, 1], AsInt64: true));

    private static OnnxTensor Floats(string name, long[] dims, float[] values) =>
        new(name, ElementType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
