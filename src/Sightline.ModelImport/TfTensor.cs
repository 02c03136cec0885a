namespace Sightline.ModelImport;

/// <summary>The element types the converter carries; the values are ONNX <c>TensorProto.DataType</c> codes.</summary>
public enum ElementType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
}

/// <summary>A constant tensor: weights from the shards, or a value folded at conversion time.</summary>
/// <remarks>Integers and booleans are held as <c>long</c>, floats as <c>float</c>; exactly one array is set.</remarks>
public sealed class TfTensor
{
    private TfTensor(ElementType type, long[] shape, float[]? floats, long[]? ints)
    {
        Type = type;
        Shape = shape;
        Floats = floats;
        Ints = ints;
    }

    public ElementType Type { get; }

    public long[] Shape { get; }

    public float[]? Floats { get; }

    public long[]? Ints { get; }

    public long Count => Floats?.Length ?? Ints!.Length;

    public static TfTensor OfFloats(long[] shape, float[] values) => new(ElementType.Float, shape, values, null);

    public static TfTensor OfInts(ElementType type, long[] shape, long[] values) => new(type, shape, null, values);

    public static long ElementCount(IReadOnlyList<long> shape)
    {
        long n = 1;
        foreach (long d in shape)
            n *= d;
        return n;
    }

    /// <summary>The values as integers (axes, shapes, paddings); floats are rejected.</summary>
    public long[] AsInts(string what) =>
        Ints ?? throw SightlineException.InvalidParameter($"{what} must be an integer constant, not a float tensor.");
}
