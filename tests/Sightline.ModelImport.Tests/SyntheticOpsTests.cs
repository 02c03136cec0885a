using Sightline.ModelImport.Tests.Support;
using Xunit.Abstractions;

namespace Sightline.ModelImport.Tests;

/// <summary>
/// Small generated graphs for what the six target models do not cover (uint8/uint16 quantised weights, resize
/// modes, strided-slice masks, Pack, SplitV, Pad), each checked against TensorFlow.js.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class SyntheticOpsTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, object> s_float = new() { ["T"] = A.Type("DT_FLOAT") };

    [Fact]
    public async Task Quantised_weights_match_TensorFlow_js()
    {
        var model = new SyntheticModel()
            .Placeholder("x", 1, 8, 8, 3)
            .Const("w1", [3, 3, 3, 4], Values(108, 1), "uint8")
            .Const("b1", [4], Values(4, 2), "uint16")
            .Node("conv", "_FusedConv2D", ["x", "w1", "b1"], new()
            {
                ["T"] = A.Type("DT_FLOAT"), ["strides"] = A.Ints(1, 2, 2, 1), ["padding"] = A.S("SAME"), ["data_format"] = A.S("NHWC"),
                ["dilations"] = A.Ints(1, 1, 1, 1), ["fused_ops"] = A.Strs("BiasAdd", "Relu6"), ["num_args"] = A.I(1),
            })
            .Const("w2", [3, 3, 4, 2], Values(72, 3), "float16")
            .Node("dw", "DepthwiseConv2dNative", ["conv", "w2"], new()
            {
                ["T"] = A.Type("DT_FLOAT"), ["strides"] = A.Ints(1, 1, 1, 1), ["padding"] = A.S("VALID"), ["data_format"] = A.S("NHWC"), ["dilations"] = A.Ints(1, 1, 1, 1),
            })
            .Ints("axes", [2], 1, 2)
            .Node("mean", "Mean", ["dw", "axes"], new() { ["T"] = A.Type("DT_FLOAT"), ["keep_dims"] = A.B(false) })
            .Const("w3", [8, 5], Values(40, 4), "uint8")
            .Const("b3", [5], Values(5, 5), "float16")
            .Node("fc", "_FusedMatMul", ["mean", "w3", "b3"], new()
            {
                ["T"] = A.Type("DT_FLOAT"), ["fused_ops"] = A.Strs("BiasAdd", "LeakyRelu"), ["num_args"] = A.I(1), ["leakyrelu_alpha"] = A.F(0.1f),
                ["transpose_a"] = A.B(false), ["transpose_b"] = A.B(false),
            });
        await AssertMatchesAsync(model, ["fc", "conv"], [1, 8, 8, 3]);
    }

    [Fact]
    public async Task Resize_slice_pack_and_pad_match_TensorFlow_js()
    {
        var model = new SyntheticModel()
            .Placeholder("x", 1, 6, 6, 4)
            .Ints("size9", [2], 9, 9).Ints("size12", [2], 12, 12).Ints("size57", [2], 5, 7)
            .Node("bilinear_align", "ResizeBilinear", ["x", "size9"], new() { ["T"] = A.Type("DT_FLOAT"), ["align_corners"] = A.B(true), ["half_pixel_centers"] = A.B(false) })
            .Node("nearest_half", "ResizeNearestNeighbor", ["x", "size12"], new() { ["T"] = A.Type("DT_FLOAT"), ["align_corners"] = A.B(false), ["half_pixel_centers"] = A.B(true) })
            .Node("bilinear_plain", "ResizeBilinear", ["x", "size57"], new() { ["T"] = A.Type("DT_FLOAT"), ["align_corners"] = A.B(false), ["half_pixel_centers"] = A.B(false) })
            .Node("softmax", "Softmax", ["bilinear_plain"], s_float)
            .Ints("b1", [4], 0, 1, 0, 0).Ints("e1", [4], 0, 11, 12, 3).Ints("s1", [4], 1, 2, -1, 1)
            .Node("slice_masks", "StridedSlice", ["nearest_half", "b1", "e1", "s1"], new()
            {
                ["T"] = A.Type("DT_FLOAT"), ["Index"] = A.Type("DT_INT32"), ["begin_mask"] = A.I(1 | 4), ["end_mask"] = A.I(1 | 4),
                ["shrink_axis_mask"] = A.I(0), ["ellipsis_mask"] = A.I(0), ["new_axis_mask"] = A.I(0),
            })
            .Ints("b2", [4], 0, 2, 0, 1).Ints("e2", [4], 1, 3, 9, 2).Ints("s2", [4], 1, 1, 1, 1)
            .Node("slice_shrink", "StridedSlice", ["bilinear_align", "b2", "e2", "s2"], new()
            {
                ["T"] = A.Type("DT_FLOAT"), ["Index"] = A.Type("DT_INT32"), ["begin_mask"] = A.I(0), ["end_mask"] = A.I(0),
                ["shrink_axis_mask"] = A.I(1 | 2 | 8), ["ellipsis_mask"] = A.I(0), ["new_axis_mask"] = A.I(0),
            })
            .Node("pack", "Pack", ["slice_shrink", "slice_shrink"], new() { ["T"] = A.Type("DT_FLOAT"), ["axis"] = A.I(1), ["N"] = A.I(2) })
            .Node("pool", "MaxPool", ["nearest_half"], new() { ["T"] = A.Type("DT_FLOAT"), ["ksize"] = A.Ints(1, 3, 3, 1), ["strides"] = A.Ints(1, 2, 2, 1), ["padding"] = A.S("SAME"), ["data_format"] = A.S("NHWC") })
            .Ints("pads", [4, 2], 0, 0, 1, 2, 2, 1, 0, 0)
            .Const("fill", [], [0.5f])
            .Node("padded", "PadV2", ["x", "pads", "fill"], s_float)
            .Ints("sizes", [2], 1, 3).Ints("axis3", [], 3)
            .Node("split", "SplitV", ["padded", "sizes", "axis3"], new() { ["T"] = A.Type("DT_FLOAT"), ["num_split"] = A.I(2) })
            .Node("split_sum", "Sub", ["split:1", "split"], s_float);
        await AssertMatchesAsync(model, ["bilinear_align", "softmax", "slice_masks", "pack", "pool", "split_sum"], [1, 6, 6, 4]);
    }

    [Fact]
    public async Task Integer_floor_division_and_modulo_round_down_like_TensorFlow_js()
    {
        var toInt = new Dictionary<string, object> { ["SrcT"] = A.Type("DT_FLOAT"), ["DstT"] = A.Type("DT_INT32") };
        var toFloat = new Dictionary<string, object> { ["SrcT"] = A.Type("DT_INT32"), ["DstT"] = A.Type("DT_FLOAT") };
        var ints = new Dictionary<string, object> { ["T"] = A.Type("DT_INT32") };
        var model = new SyntheticModel()
            .Placeholder("x", 1, 4, 4, 3)
            .Const("ten", [], [10f])
            .Node("scaled", "Mul", ["x", "ten"], s_float)
            .Node("n", "Cast", ["scaled"], toInt)
            .Ints("three", [], 3).Ints("minus_three", [], -3)
            .Node("div", "FloorDiv", ["n", "three"], ints)
            .Node("div_negative", "FloorDiv", ["n", "minus_three"], ints)
            .Node("mod", "FloorMod", ["n", "three"], ints)
            .Node("div_f", "Cast", ["div"], toFloat)
            .Node("div_negative_f", "Cast", ["div_negative"], toFloat)
            .Node("mod_f", "Cast", ["mod"], toFloat);
        await AssertMatchesAsync(model, ["div_f", "div_negative_f", "mod_f"], [1, 4, 4, 3]);
    }

    private async Task AssertMatchesAsync(SyntheticModel model, string[] outputs, int[] shape)
    {
        using var dir = new TempDir();
        string json = model.Write(dir.Path, outputs);
        float[] input = Values(shape.Aggregate(1, (a, b) => a * b), 7);
        var reference = await TfjsReference.RunAsync(json, input, dir.Path, CancellationToken.None);
        var result = await TfjsToOnnx.ConvertFileAsync(json, CancellationToken.None);
        var (actual, _) = OnnxRun.Run(OnnxWriter.Serialize(result.Model), input, shape);
        Assert.Equal(outputs.Length, reference.Count);
        foreach (var expected in reference)
        {
            var (dims, values) = actual[expected.Name];
            Assert.Equal(expected.Shape, dims);
            double diff = expected.Values.Zip(values, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
            output.WriteLine($"{expected.Name} [{string.Join(",", dims)}] max abs diff {diff:E2}");
            Assert.True(diff < 1e-4, $"{expected.Name}: max abs difference {diff:E3}");
        }
    }

    /// <summary>Deterministic values in [-1, 1).</summary>
    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1))];
    }
}
