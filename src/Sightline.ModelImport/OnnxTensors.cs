using System.Buffers.Binary;

namespace Sightline.ModelImport;

internal static class OnnxTensors
{
    public static OnnxTensor From(string name, TfTensor t)
    {
        int count = (int)t.Count;
        byte[] raw;
        switch (t.Type)
        {
            case ElementType.Float:
                raw = new byte[count * 4];
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), t.Floats![i]);
                break;
            case ElementType.Int32:
                raw = new byte[count * 4];
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(i * 4), checked((int)t.Ints![i]));
                break;
            case ElementType.Int64:
                raw = new byte[count * 8];
                for (int i = 0; i < count; i++)
                    BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), t.Ints![i]);
                break;
            default:
                raw = new byte[count];
                for (int i = 0; i < count; i++)
                    raw[i] = t.Ints![i] != 0 ? (byte)1 : (byte)0;
                break;
        }
        return new OnnxTensor(name, t.Type, t.Shape, raw);
    }
}
