namespace Sightline.ModelImport;

/// <summary>
/// Folds integer ops over constants at conversion time (shape arithmetic such as NanoDet's
/// SparseToDense + AddV2 building a Reshape target), so ops that need constant attributes still get them.
/// </summary>
public sealed partial class TfjsToOnnx
{
    private bool TryFold(TfjsNode n)
    {
        if (n.Inputs.Count == 0 || !n.Inputs.All(_consts.ContainsKey))
            return false;
        TfTensor? folded = n.Op switch
        {
            "Identity" or "StopGradient" => _consts[n.Inputs[0]],
            "SparseToDense" => SparseToDense(n),
            "Add" or "AddV2" => IntBinary(n, (a, b) => a + b),
            "Sub" => IntBinary(n, (a, b) => a - b),
            "Mul" => IntBinary(n, (a, b) => a * b),
            "Cast" when _consts[n.Inputs[0]].Ints is { } ints && n.Type("DstT") is ElementType.Int32 or ElementType.Int64 =>
                TfTensor.OfInts(ElementType.Int32, _consts[n.Inputs[0]].Shape, ints),
            _ => null,
        };
        if (folded is null)
            return false;
        _consts[n.Name] = folded;
        return true;
    }

    private TfTensor? IntBinary(TfjsNode n, Func<long, long, long> f)
    {
        var a = _consts[n.Inputs[0]];
        var b = _consts[n.Inputs[1]];
        if (a.Ints is null || b.Ints is null || a.Type != b.Type)
            return null;
        if (a.Count != b.Count && a.Count != 1 && b.Count != 1)
            return null;
        var shape = a.Count >= b.Count ? a.Shape : b.Shape;
        long count = Math.Max(a.Count, b.Count);
        var values = new long[count];
        for (long i = 0; i < count; i++)
            values[i] = f(a.Ints[a.Count == 1 ? 0 : i], b.Ints[b.Count == 1 ? 0 : i]);
        return TfTensor.OfInts(a.Type, shape, values);
    }

    /// <summary>SparseToDense(indices, output_shape, values, default) over integer constants.</summary>
    private TfTensor SparseToDense(TfjsNode n)
    {
        long[] indices = Const(n, 0, "sparse_indices").AsInts($"{n} sparse_indices");
        var indexShape = _consts[n.Inputs[0]].Shape;
        long[] shape = Const(n, 1, "output_shape").AsInts($"{n} output_shape");
        var values = Const(n, 2, "sparse_values");
        long[] fill = Const(n, 3, "default_value").AsInts($"{n} default_value");
        long[] vals = values.AsInts($"{n} sparse_values");
        var dense = new long[TfTensor.ElementCount(shape)];
        Array.Fill(dense, fill[0]);
        int rank = indexShape.Length == 2 ? (int)indexShape[1] : 1;
        long points = rank == 0 ? 0 : indices.Length / rank;
        for (long p = 0; p < points; p++)
        {
            long offset = 0;
            for (int d = 0; d < rank; d++)
                offset = offset * shape[d] + indices[p * rank + d];
            dense[offset] = vals.Length == 1 ? vals[0] : vals[p];
        }
        return TfTensor.OfInts(values.Type, shape, dense);
    }
}
