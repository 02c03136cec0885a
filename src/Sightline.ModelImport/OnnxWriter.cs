using Google.Protobuf;

namespace Sightline.ModelImport;

/// <summary>
/// Encodes an <see cref="OnnxModel"/> as the ONNX protobuf (onnx.proto, proto2) by hand with
/// <see cref="CodedOutputStream"/>: the handful of messages the converter needs, no generated code.
/// Field numbers are onnx.proto's.
/// </summary>
public static class OnnxWriter
{
    public static byte[] Serialize(OnnxModel model) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.Varint); // ModelProto.ir_version
        o.WriteInt64(model.IrVersion);
        o.WriteTag(2, WireFormat.WireType.LengthDelimited); // producer_name
        o.WriteString(model.Producer);
        o.WriteTag(7, WireFormat.WireType.LengthDelimited); // graph
        o.WriteBytes(Graph(model.Graph));
        o.WriteTag(8, WireFormat.WireType.LengthDelimited); // opset_import
        o.WriteBytes(Message(s =>
        {
            s.WriteTag(1, WireFormat.WireType.LengthDelimited); // OperatorSetIdProto.domain
            s.WriteString("");
            s.WriteTag(2, WireFormat.WireType.Varint); // version
            s.WriteInt64(model.Opset);
        }));
        foreach (var (key, value) in model.Metadata ?? new Dictionary<string, string>())
        {
            o.WriteTag(14, WireFormat.WireType.LengthDelimited); // metadata_props: StringStringEntryProto
            o.WriteBytes(Message(e =>
            {
                e.WriteTag(1, WireFormat.WireType.LengthDelimited); // key
                e.WriteString(key);
                e.WriteTag(2, WireFormat.WireType.LengthDelimited); // value
                e.WriteString(value);
            }));
        }
    }).ToByteArray();

    private static ByteString Graph(OnnxGraph g) => Message(o =>
    {
        foreach (var node in g.Nodes)
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited); // GraphProto.node
            o.WriteBytes(Node(node));
        }
        o.WriteTag(2, WireFormat.WireType.LengthDelimited); // name
        o.WriteString(g.Name);
        foreach (var t in g.Initializers)
        {
            o.WriteTag(5, WireFormat.WireType.LengthDelimited); // initializer
            o.WriteBytes(Tensor(t));
        }
        foreach (var v in g.Inputs)
        {
            o.WriteTag(11, WireFormat.WireType.LengthDelimited); // input
            o.WriteBytes(ValueInfo(v));
        }
        foreach (var v in g.Outputs)
        {
            o.WriteTag(12, WireFormat.WireType.LengthDelimited); // output
            o.WriteBytes(ValueInfo(v));
        }
    });

    private static ByteString Node(OnnxNode n) => Message(o =>
    {
        foreach (string input in n.Inputs)
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited); // NodeProto.input
            o.WriteString(input);
        }
        foreach (string output in n.Outputs)
        {
            o.WriteTag(2, WireFormat.WireType.LengthDelimited); // output
            o.WriteString(output);
        }
        o.WriteTag(3, WireFormat.WireType.LengthDelimited); // name
        o.WriteString(n.Name);
        o.WriteTag(4, WireFormat.WireType.LengthDelimited); // op_type
        o.WriteString(n.OpType);
        foreach (var a in n.Attributes)
        {
            o.WriteTag(5, WireFormat.WireType.LengthDelimited); // attribute
            o.WriteBytes(Attribute(a));
        }
    });

    private static ByteString Attribute(OnnxAttribute a) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.LengthDelimited); // AttributeProto.name
        o.WriteString(a.Name);
        switch (a.Kind)
        {
            case OnnxAttributeKind.Float:
                o.WriteTag(2, WireFormat.WireType.Fixed32); // f
                o.WriteFloat(a.Float);
                break;
            case OnnxAttributeKind.Int:
                o.WriteTag(3, WireFormat.WireType.Varint); // i
                o.WriteInt64(a.Int);
                break;
            case OnnxAttributeKind.String:
                o.WriteTag(4, WireFormat.WireType.LengthDelimited); // s
                o.WriteString(a.String ?? "");
                break;
            case OnnxAttributeKind.Ints:
                foreach (long v in a.Ints ?? [])
                {
                    o.WriteTag(8, WireFormat.WireType.Varint); // ints
                    o.WriteInt64(v);
                }
                break;
        }
        o.WriteTag(20, WireFormat.WireType.Varint); // type (AttributeProto.AttributeType)
        o.WriteEnum((int)a.Kind);
    });

    private static ByteString Tensor(OnnxTensor t) => Message(o =>
    {
        foreach (long d in t.Dims)
        {
            o.WriteTag(1, WireFormat.WireType.Varint); // TensorProto.dims
            o.WriteInt64(d);
        }
        o.WriteTag(2, WireFormat.WireType.Varint); // data_type
        o.WriteInt32((int)t.Type);
        o.WriteTag(8, WireFormat.WireType.LengthDelimited); // name
        o.WriteString(t.Name);
        o.WriteTag(9, WireFormat.WireType.LengthDelimited); // raw_data
        o.WriteBytes(ByteString.CopyFrom(t.Raw));
    });

    private static ByteString ValueInfo(OnnxValueInfo v) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.LengthDelimited); // ValueInfoProto.name
        o.WriteString(v.Name);
        o.WriteTag(2, WireFormat.WireType.LengthDelimited); // type: TypeProto
        o.WriteBytes(Message(type =>
        {
            type.WriteTag(1, WireFormat.WireType.LengthDelimited); // TypeProto.tensor_type
            type.WriteBytes(Message(tensor =>
            {
                tensor.WriteTag(1, WireFormat.WireType.Varint); // TypeProto.Tensor.elem_type
                tensor.WriteInt32((int)v.Type);
                if (v.Dims is null)
                    return;
                tensor.WriteTag(2, WireFormat.WireType.LengthDelimited); // shape: TensorShapeProto
                tensor.WriteBytes(Message(shape =>
                {
                    foreach (long d in v.Dims)
                    {
                        shape.WriteTag(1, WireFormat.WireType.LengthDelimited); // dim
                        shape.WriteBytes(Message(dim =>
                        {
                            if (d >= 0)
                            {
                                dim.WriteTag(1, WireFormat.WireType.Varint); // dim_value
                                dim.WriteInt64(d);
                            }
                            else
                            {
                                dim.WriteTag(2, WireFormat.WireType.LengthDelimited); // dim_param
                                dim.WriteString("batch");
                            }
                        }));
                    }
                }));
            }));
        }));
    });

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
            output.Flush();
        }
        return ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
