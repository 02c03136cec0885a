namespace Sightline.ModelImport;

/// <summary>Shape and indexing ops; TF's axes are kept since the graph stays in TF's layout.</summary>
public sealed partial class TfjsToOnnx
{
    private void Reshape(TfjsNode n)
    {
        string x = Input(n, 0);
        Bind(n, Emit("Reshape", [x, Int64Input(n, 1)], TypeOf(x), n));
    }

    private void Concat(TfjsNode n, bool axisLast)
    {
        int count = n.Inputs.Count - 1;
        long axis = Const(n, axisLast ? count : 0, "axis").AsInts($"{n} axis")[0];
        var inputs = Enumerable.Range(axisLast ? 0 : 1, count).Select(i => Input(n, i)).ToList();
        Bind(n, Emit("Concat", inputs, TypeOf(inputs[0]), n, OnnxAttribute.Of("axis", axis)));
    }

    private void Transpose(TfjsNode n)
    {
        string x = Input(n, 0);
        long[] perm = Const(n, 1, "perm").AsInts($"{n} perm");
        Bind(n, Emit("Transpose", [x], TypeOf(x), n, OnnxAttribute.Of("perm", perm)));
    }

    /// <summary>Pad / PadV2 / MirrorPad: TF's [rank, 2] paddings become ONNX's [begins..., ends...].</summary>
    private void Pad(TfjsNode n)
    {
        string x = Input(n, 0);
        var paddings = Const(n, 1, "paddings");
        long[] p = paddings.AsInts($"{n} paddings");
        int rank = p.Length / 2;
        var pads = new long[p.Length];
        for (int d = 0; d < rank; d++)
        {
            pads[d] = p[2 * d];
            pads[rank + d] = p[2 * d + 1];
        }
        var inputs = new List<string> { x, Int64s(pads) };
        var attrs = new List<OnnxAttribute>();
        if (n.Op == "PadV2")
            inputs.Add(Value(n.Inputs[2]));
        if (n.Op == "MirrorPad")
        {
            string mode = n.String("mode");
            if (mode != "REFLECT")
                throw SightlineException.InvalidParameter($"{n}: MirrorPad mode '{mode}' has no ONNX equivalent.");
            attrs.Add(OnnxAttribute.Of("mode", "reflect"));
        }
        Bind(n, Emit("Pad", inputs, TypeOf(x), n, [.. attrs]));
    }

    /// <summary>Split (axis, value) into equal parts, SplitV (value, sizes, axis) into given sizes.</summary>
    private void Split(TfjsNode n)
    {
        bool v = n.Op == "SplitV";
        string x = Input(n, v ? 0 : 1);
        long axis = Const(n, v ? 2 : 0, "axis").AsInts($"{n} axis")[0];
        int parts = (int)n.Int("num_split", 1);
        var inputs = new List<string> { x };
        if (v)
        {
            long[] sizes = Const(n, 1, "size_splits").AsInts($"{n} size_splits");
            if (sizes.Contains(-1))
                throw SightlineException.InvalidParameter($"{n}: a size_splits of -1 is not supported.");
            inputs.Add(Int64s(sizes));
            parts = sizes.Length;
        }
        var outputs = EmitMany("Split", inputs, Enumerable.Repeat(TypeOf(x), parts).ToList(), n, OnnxAttribute.Of("axis", axis));
        for (int i = 0; i < parts; i++)
            Bind(n, outputs[i], i);
    }

    private void Squeeze(TfjsNode n)
    {
        string x = Input(n, 0);
        long[] axes = n.Ints("squeeze_dims");
        if (axes.Length == 0)
            axes = n.Ints("axis");
        Bind(n, axes.Length == 0 ? Emit("Squeeze", [x], TypeOf(x), n) : Emit("Squeeze", [x, Int64s(axes)], TypeOf(x), n));
    }

    private void ExpandDims(TfjsNode n)
    {
        string x = Input(n, 0);
        long[] axis = Const(n, 1, "axis").AsInts($"{n} axis");
        Bind(n, Emit("Unsqueeze", [x, Int64s([axis[0]])], TypeOf(x), n));
    }

    private void Pack(TfjsNode n)
    {
        long axis = n.Int("axis");
        var parts = Enumerable.Range(0, n.Inputs.Count)
            .Select(i => Emit("Unsqueeze", [Input(n, i), Int64s([axis])], TypeOf(Input(n, i)), n))
            .ToList();
        Bind(n, Emit("Concat", parts, TypeOf(parts[0]), n, OnnxAttribute.Of("axis", axis)));
    }

    private void Unpack(TfjsNode n)
    {
        string x = Input(n, 0);
        long axis = n.Int("axis");
        int num = (int)n.Int("num");
        if (num <= 0)
            throw SightlineException.InvalidParameter($"{n}: Unpack needs a positive 'num'.");
        var parts = EmitMany("Split", [x], Enumerable.Repeat(TypeOf(x), num).ToList(), n, OnnxAttribute.Of("axis", axis));
        for (int i = 0; i < num; i++)
            Bind(n, Emit("Squeeze", [parts[i], Int64s([axis])], TypeOf(x), n), i);
    }

    /// <summary>StridedSlice with constant begin/end/strides: an ONNX Slice, then a Squeeze for shrink_axis_mask.</summary>
    private void StridedSlice(TfjsNode n)
    {
        string x = Input(n, 0);
        long[] begin = Const(n, 1, "begin").AsInts($"{n} begin");
        long[] end = Const(n, 2, "end").AsInts($"{n} end");
        long[] strides = Const(n, 3, "strides").AsInts($"{n} strides");
        if (n.Int("ellipsis_mask") != 0 || n.Int("new_axis_mask") != 0)
            throw SightlineException.InvalidParameter($"{n}: ellipsis_mask and new_axis_mask are not supported.");
        long beginMask = n.Int("begin_mask"), endMask = n.Int("end_mask"), shrinkMask = n.Int("shrink_axis_mask");
        int dims = begin.Length;
        long[] starts = new long[dims], ends = new long[dims], steps = new long[dims], axes = new long[dims];
        var squeeze = new List<long>();
        for (int i = 0; i < dims; i++)
        {
            axes[i] = i;
            long s = strides[i];
            if ((shrinkMask >> i & 1) != 0)
            {
                starts[i] = begin[i];
                ends[i] = begin[i] == -1 ? long.MaxValue : begin[i] + 1;
                steps[i] = 1;
                squeeze.Add(i);
                continue;
            }
            starts[i] = (beginMask >> i & 1) != 0 ? (s > 0 ? 0 : long.MaxValue) : begin[i];
            ends[i] = (endMask >> i & 1) != 0 ? (s > 0 ? long.MaxValue : long.MinValue) : end[i];
            steps[i] = s;
        }
        string y = Emit("Slice", [x, Int64s(starts), Int64s(ends), Int64s(axes), Int64s(steps)], TypeOf(x), n);
        if (squeeze.Count > 0)
            y = Emit("Squeeze", [y, Int64s([.. squeeze])], TypeOf(x), n);
        Bind(n, y);
    }

    private void Gather(TfjsNode n)
    {
        if (n.Int("batch_dims") != 0)
            throw SightlineException.InvalidParameter($"{n}: GatherV2 with batch_dims != 0 is not supported.");
        string x = Input(n, 0);
        long axis = n.Op == "GatherV2" ? Const(n, 2, "axis").AsInts($"{n} axis")[0] : 0;
        Bind(n, Emit("Gather", [x, Input(n, 1)], TypeOf(x), n, OnnxAttribute.Of("axis", axis)));
    }

    /// <summary>TopKV2 over the last axis; ONNX's int64 indices are cast back to TF's int32.</summary>
    private void TopK(TfjsNode n)
    {
        string x = Input(n, 0);
        var outputs = EmitMany("TopK", [x, Int64s([Const(n, 1, "k").AsInts($"{n} k")[0]])], [TypeOf(x), ElementType.Int64], n,
            OnnxAttribute.Of("axis", -1L), OnnxAttribute.Of("largest", 1L), OnnxAttribute.Of("sorted", 1L));
        Bind(n, outputs[0]);
        Bind(n, Emit("Cast", [outputs[1]], ElementType.Int32, n, OnnxAttribute.Of("to", (long)ElementType.Int32)), 1);
    }

    private void Shape(TfjsNode n)
    {
        string s = Emit("Shape", [Input(n, 0)], ElementType.Int64, n);
        Bind(n, Emit("Cast", [s], ElementType.Int32, n, OnnxAttribute.Of("to", (long)ElementType.Int32)));
    }

    /// <summary>ResizeBilinear / ResizeNearestNeighbor on NHWC: an NCHW Resize to the constant (or runtime) [h, w].</summary>
    private void Resize(TfjsNode n)
    {
        bool bilinear = n.Op == "ResizeBilinear";
        bool alignCorners = n.Bool("align_corners"), halfPixel = n.Bool("half_pixel_centers");
        string x = ToNchw(Input(n, 0), n);
        string batchAndChannels = Emit("Slice", [Emit("Shape", [x], ElementType.Int64, n), Int64s([0]), Int64s([2])], ElementType.Int64, n);
        string sizes = Emit("Concat", [batchAndChannels, Int64Input(n, 1)], ElementType.Int64, n, OnnxAttribute.Of("axis", 0L));
        var attrs = new List<OnnxAttribute> { OnnxAttribute.Of("mode", bilinear ? "linear" : "nearest") };
        string transform = alignCorners ? "align_corners" : halfPixel ? (bilinear ? "half_pixel" : "tf_half_pixel_for_nn") : "asymmetric";
        attrs.Add(OnnxAttribute.Of("coordinate_transformation_mode", transform));
        if (!bilinear)
            attrs.Add(OnnxAttribute.Of("nearest_mode", alignCorners ? "round_prefer_ceil" : "floor")); // TF rounds half up with align_corners, else floors
        string y = Emit("Resize", [x, "", "", sizes], ElementType.Float, n, [.. attrs]);
        Bind(n, ToNhwc(y, n));
    }

    /// <summary>Mean/Sum/Max/Min/Prod over constant axes (ReduceSum takes them as an input from opset 13).</summary>
    private void Reduce(TfjsNode n, string op)
    {
        string x = Input(n, 0);
        long[] axes = Const(n, 1, "reduction axes").AsInts($"{n} axes");
        long keep = n.Bool("keep_dims") ? 1 : 0;
        Bind(n, op == "ReduceSum"
            ? Emit(op, [x, Int64s(axes)], TypeOf(x), n, OnnxAttribute.Of("keepdims", keep))
            : Emit(op, [x], TypeOf(x), n, OnnxAttribute.Of("axes", axes), OnnxAttribute.Of("keepdims", keep)));
    }
}
