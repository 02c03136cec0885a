namespace Sightline.ModelImport;

/// <summary>Element-wise ops: TF and ONNX broadcast alike, so most map one to one.</summary>
public sealed partial class TfjsToOnnx
{
    private void Binary(TfjsNode n, string op)
    {
        string a = Input(n, 0), b = Input(n, 1);
        Bind(n, Emit(op, [a, b], TypeOf(a), n));
    }

    private void Compare(TfjsNode n, string op)
    {
        string a = Input(n, 0), b = Input(n, 1);
        Bind(n, Emit(op, [a, b], ElementType.Bool, n));
    }

    private void Unary(TfjsNode n, string op, params OnnxAttribute[] attributes)
    {
        string x = Input(n, 0);
        Bind(n, Emit(op, [x], TypeOf(x), n, attributes));
    }

    private void FloorDiv(TfjsNode n)
    {
        string a = Input(n, 0), b = Input(n, 1);
        if (TypeOf(a) == ElementType.Float)
        {
            Bind(n, Emit("Floor", [Emit("Div", [a, b], ElementType.Float, n)], ElementType.Float, n));
            return;
        }
        // Integer Div truncates toward zero; TF floors. a − FloorMod(a, b) is an exact multiple of b, so dividing it
        // truncates nothing (ONNX Mod with fmod=0 takes the divisor's sign, as TF's FloorMod does).
        string multiple = Emit("Sub", [a, Emit("Mod", [a, b], TypeOf(a), n)], TypeOf(a), n);
        Bind(n, Emit("Div", [multiple, b], TypeOf(a), n));
    }

    private void FloorMod(TfjsNode n)
    {
        string a = Input(n, 0), b = Input(n, 1);
        if (TypeOf(a) != ElementType.Float)
        {
            // ONNX Mod with fmod=0 takes the divisor's sign, as TF's FloorMod does.
            Bind(n, Emit("Mod", [a, b], TypeOf(a), n));
            return;
        }
        string q = Emit("Floor", [Emit("Div", [a, b], ElementType.Float, n)], ElementType.Float, n);
        Bind(n, Emit("Sub", [a, Emit("Mul", [q, b], ElementType.Float, n)], ElementType.Float, n));
    }

    private void SquaredDifference(TfjsNode n)
    {
        string d = Emit("Sub", [Input(n, 0), Input(n, 1)], TypeOf(Input(n, 0)), n);
        Bind(n, Emit("Mul", [d, d], TypeOf(d), n));
    }

    private void Square(TfjsNode n)
    {
        string x = Input(n, 0);
        Bind(n, Emit("Mul", [x, x], TypeOf(x), n));
    }

    private void Rsqrt(TfjsNode n)
    {
        string s = Emit("Sqrt", [Input(n, 0)], ElementType.Float, n);
        Bind(n, Emit("Reciprocal", [s], ElementType.Float, n));
    }

    private void Relu6(TfjsNode n) => Bind(n, Activate(Input(n, 0), "Relu6", n));

    private void LeakyRelu(TfjsNode n) =>
        Bind(n, Emit("LeakyRelu", [Input(n, 0)], ElementType.Float, n, OnnxAttribute.Of("alpha", n.Float("alpha", 0.2f))));

    private void Softmax(TfjsNode n, string op) =>
        Bind(n, Emit(op, [Input(n, 0)], ElementType.Float, n, OnnxAttribute.Of("axis", -1L)));

    private void Identity(TfjsNode n) => Bind(n, Emit("Identity", [Input(n, 0)], TypeOf(Input(n, 0)), n));

    private void Cast(TfjsNode n)
    {
        // TF.js has no int64 tensors: an int64 cast yields int32 there, and so here.
        var to = n.Type("DstT") ?? throw SightlineException.InvalidParameter($"{n} has no DstT.");
        if (to == ElementType.Int64)
            to = ElementType.Int32;
        Bind(n, Emit("Cast", [Input(n, 0)], to, n, OnnxAttribute.Of("to", (long)to)));
    }
}
