namespace Sightline.ModelImport;

/// <summary>An ONNX initializer or tensor attribute; <see cref="Raw"/> is little-endian element data.</summary>
public sealed record OnnxTensor(string Name, ElementType Type, long[] Dims, byte[] Raw);

/// <summary>A graph input or output. A negative dimension is written as the symbolic dimension "batch"; null dims = unknown shape.</summary>
public sealed record OnnxValueInfo(string Name, ElementType Type, long[]? Dims);

public enum OnnxAttributeKind
{
    Float = 1,
    Int = 2,
    String = 3,
    Ints = 7,
}

public sealed record OnnxAttribute(string Name, OnnxAttributeKind Kind, long Int = 0, float Float = 0, string? String = null, long[]? Ints = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, OnnxAttributeKind.Int, Int: value);

    public static OnnxAttribute Of(string name, float value) => new(name, OnnxAttributeKind.Float, Float: value);

    public static OnnxAttribute Of(string name, string value) => new(name, OnnxAttributeKind.String, String: value);

    public static OnnxAttribute Of(string name, long[] values) => new(name, OnnxAttributeKind.Ints, Ints: values);
}

public sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes);

public sealed record OnnxGraph(string Name, IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<OnnxTensor> Initializers, IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>IR version 8 with the default-domain opset 13: loadable by every ONNX Runtime 1.2x/1.3x. <see cref="Metadata"/> is ModelProto.metadata_props.</summary>
public sealed record OnnxModel(OnnxGraph Graph, long IrVersion = 8, long Opset = 13, string Producer = "sightline-tfjs-import", IReadOnlyDictionary<string, string>? Metadata = null);
