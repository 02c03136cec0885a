namespace Sightline.ModelImport;

/// <summary>Convolutions, pooling and matrix products, with TF's fused BiasAdd + activation.</summary>
public sealed partial class TfjsToOnnx
{
    /// <summary>Conv2D, DepthwiseConv2dNative and their fused forms: HWIO (or HW-C-multiplier) weights to OIHW, depthwise as grouped Conv.</summary>
    private void Conv(TfjsNode n)
    {
        bool depthwise = n.Op.Contains("Depthwise", StringComparison.Ordinal);
        bool nhwc = n.String("data_format", "NHWC") != "NCHW";
        var filter = Const(n, 1, "filter");
        if (filter.Shape.Length != 4 || filter.Floats is null)
            throw SightlineException.InvalidParameter($"{n}: the filter must be a 4-D float constant.");
        long kh = filter.Shape[0], kw = filter.Shape[1], ci = filter.Shape[2], co = filter.Shape[3];
        var weights = new float[filter.Count];
        long outChannels = depthwise ? ci * co : co;
        long inPerGroup = depthwise ? 1 : ci;
        for (long y = 0; y < kh; y++)
        {
            for (long x = 0; x < kw; x++)
            {
                for (long i = 0; i < ci; i++)
                {
                    for (long o = 0; o < co; o++)
                    {
                        float v = filter.Floats[((y * kw + x) * ci + i) * co + o];
                        long dst = depthwise
                            ? ((i * co + o) * kh + y) * kw + x           // [ci*m, 1, kh, kw]
                            : ((o * ci + i) * kh + y) * kw + x;          // [co, ci, kh, kw]
                        weights[dst] = v;
                    }
                }
            }
        }
        var inputs = new List<string> { "", AddInitializer(TfTensor.OfFloats([outChannels, inPerGroup, kh, kw], weights)) };
        string[] fused = n.Strings("fused_ops");
        if (fused.Length > 0)
        {
            if (fused[0] != "BiasAdd")
                throw SightlineException.InvalidParameter($"{n}: fused op '{fused[0]}' is not supported (only BiasAdd + activation).");
            inputs.Add(Value(n.Inputs[2]));
        }
        var attrs = new List<OnnxAttribute>
        {
            OnnxAttribute.Of("kernel_shape", [kh, kw]),
            OnnxAttribute.Of("strides", Spatial(n.Ints("strides"), nhwc, n)),
            OnnxAttribute.Of("dilations", Spatial(n.Ints("dilations"), nhwc, n)),
            OnnxAttribute.Of("group", depthwise ? ci : 1),
            Padding(n, nhwc),
        };
        string x0 = Input(n, 0);
        inputs[0] = nhwc ? ToNchw(x0, n) : x0;
        string y0 = Emit("Conv", inputs, ElementType.Float, n, [.. attrs]);
        if (nhwc)
            y0 = ToNhwc(y0, n);
        Bind(n, Activate(y0, fused.Length > 1 ? fused[1] : "", n));
    }

    private void Pool(TfjsNode n)
    {
        bool nhwc = n.String("data_format", "NHWC") != "NCHW";
        string x = Input(n, 0);
        if (nhwc)
            x = ToNchw(x, n);
        var attrs = new List<OnnxAttribute>
        {
            OnnxAttribute.Of("kernel_shape", Spatial(n.Ints("ksize"), nhwc, n)),
            OnnxAttribute.Of("strides", Spatial(n.Ints("strides"), nhwc, n)),
            Padding(n, nhwc),
        };
        string y = Emit(n.Op == "MaxPool" ? "MaxPool" : "AveragePool", [x], ElementType.Float, n, [.. attrs]);
        Bind(n, nhwc ? ToNhwc(y, n) : y);
    }

    /// <summary>MatMul and _FusedMatMul (BiasAdd + activation) on 2-D operands.</summary>
    private void MatMul(TfjsNode n)
    {
        string a = Input(n, 0), b = Input(n, 1);
        if (n.Bool("transpose_a"))
            a = Emit("Transpose", [a], TypeOf(a), n, OnnxAttribute.Of("perm", [1L, 0]));
        if (n.Bool("transpose_b"))
            b = Emit("Transpose", [b], TypeOf(b), n, OnnxAttribute.Of("perm", [1L, 0]));
        string y = Emit("MatMul", [a, b], TypeOf(a), n);
        string[] fused = n.Strings("fused_ops");
        if (fused.Length > 0)
        {
            if (fused[0] != "BiasAdd")
                throw SightlineException.InvalidParameter($"{n}: fused op '{fused[0]}' is not supported (only BiasAdd + activation).");
            y = Emit("Add", [y, Input(n, 2)], TypeOf(y), n);
        }
        Bind(n, Activate(y, fused.Length > 1 ? fused[1] : "", n));
    }

    /// <summary>The activation of a fused op; an empty name is none.</summary>
    private string Activate(string x, string activation, TfjsNode n) => activation switch
    {
        "" => x,
        "Relu" => Emit("Relu", [x], ElementType.Float, n),
        "Relu6" => Emit("Clip", [x, Scalar(0, ElementType.Float), Scalar(6, ElementType.Float)], ElementType.Float, n),
        "Elu" => Emit("Elu", [x], ElementType.Float, n),
        "Sigmoid" => Emit("Sigmoid", [x], ElementType.Float, n),
        "Tanh" => Emit("Tanh", [x], ElementType.Float, n),
        "LeakyRelu" => Emit("LeakyRelu", [x], ElementType.Float, n, OnnxAttribute.Of("alpha", n.Float("leakyrelu_alpha", 0.2f))),
        "Prelu" => Emit("PRelu", [x, Input(n, 3)], ElementType.Float, n),
        _ => throw SightlineException.InvalidParameter($"{n}: fused activation '{activation}' is not supported."),
    };

    /// <summary>The H and W entries of a 4-long TF attribute (strides, dilations, ksize).</summary>
    private static long[] Spatial(long[] values, bool nhwc, TfjsNode n)
    {
        if (values.Length == 0)
            return [1, 1];
        if (values.Length != 4)
            throw SightlineException.InvalidParameter($"{n}: expected 4 values for strides/dilations/ksize, got {values.Length}.");
        return nhwc ? [values[1], values[2]] : [values[2], values[3]];
    }

    /// <summary>TF SAME pads the extra row/column at the end, which is ONNX SAME_UPPER.</summary>
    private static OnnxAttribute Padding(TfjsNode n, bool nhwc)
    {
        string padding = n.String("padding", "VALID");
        switch (padding)
        {
            case "SAME":
                return OnnxAttribute.Of("auto_pad", "SAME_UPPER");
            case "VALID":
                return OnnxAttribute.Of("pads", [0L, 0, 0, 0]);
            case "EXPLICIT":
                long[] p = n.Ints("explicit_paddings");
                if (p.Length != 8)
                    throw SightlineException.InvalidParameter($"{n}: explicit_paddings needs 8 values.");
                int h = nhwc ? 2 : 4, w = h + 2;
                return OnnxAttribute.Of("pads", [p[h], p[w], p[h + 1], p[w + 1]]);
            default:
                throw SightlineException.InvalidParameter($"{n}: padding '{padding}' is not supported.");
        }
    }
}
