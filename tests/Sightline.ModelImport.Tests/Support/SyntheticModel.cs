using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Sightline.ModelImport.Tests.Support;

/// <summary>Writes small TF.js graph models (model.json + one shard) for op and bad-input tests.</summary>
internal sealed class SyntheticModel
{
    private readonly List<object> _nodes = [];
    private readonly List<object> _weights = [];
    private readonly MemoryStream _shard = new();

    public SyntheticModel Placeholder(string name, params long[] shape)
    {
        _nodes.Add(new { name, op = "Placeholder", attr = new Dictionary<string, object> { ["dtype"] = A.Type("DT_FLOAT"), ["shape"] = new { shape = new { dim = shape.Select(d => new { size = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }) } } } });
        return this;
    }

    /// <summary>A float constant stored as float32, or quantised as "float16", "uint8" or "uint16" the way the TF.js converter does.</summary>
    public SyntheticModel Const(string name, long[] shape, float[] values, string? quantization = null)
    {
        AddConstNode(name, "DT_FLOAT");
        switch (quantization)
        {
            case null:
                foreach (float v in values)
                    Write(4, s => BinaryPrimitives.WriteSingleLittleEndian(s, v));
                _weights.Add(new { name, shape, dtype = "float32" });
                break;
            case "float16":
                foreach (float v in values)
                    Write(2, s => BinaryPrimitives.WriteHalfLittleEndian(s, (Half)v));
                _weights.Add(new { name, shape, dtype = "float32", quantization = new { dtype = "float16" } });
                break;
            default:
                int levels = quantization == "uint8" ? 255 : 65535;
                float min = values.Min(), scale = (values.Max() - min) / levels;
                foreach (float v in values)
                {
                    int q = (int)MathF.Round((v - min) / scale);
                    if (levels == 255)
                        Write(1, s => s[0] = (byte)q);
                    else
                        Write(2, s => BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)q));
                }
                _weights.Add(new { name, shape, dtype = "float32", quantization = new { dtype = quantization, min, scale } });
                break;
        }
        return this;
    }

    public SyntheticModel Ints(string name, long[] shape, params int[] values)
    {
        AddConstNode(name, "DT_INT32");
        foreach (int v in values)
            Write(4, s => BinaryPrimitives.WriteInt32LittleEndian(s, v));
        _weights.Add(new { name, shape, dtype = "int32" });
        return this;
    }

    public SyntheticModel Node(string name, string op, string[] inputs, Dictionary<string, object>? attr = null)
    {
        _nodes.Add(new { name, op, input = inputs, attr = attr ?? new Dictionary<string, object> { ["T"] = A.Type("DT_FLOAT") } });
        return this;
    }

    /// <summary>Writes model.json and model.bin into <paramref name="dir"/>; returns the model.json path.</summary>
    public string Write(string dir, string[] outputs)
    {
        string json = Path.Combine(dir, "model.json");
        var model = new
        {
            format = "graph-model",
            modelTopology = new { node = _nodes, versions = new { producer = 1, minConsumer = 0 } },
            signature = new { outputs = outputs.ToDictionary(o => o, o => new { name = o }) },
            weightsManifest = new[] { new { paths = new[] { "model.bin" }, weights = _weights } },
        };
        File.WriteAllText(json, JsonSerializer.Serialize(model));
        File.WriteAllBytes(Path.Combine(dir, "model.bin"), _shard.ToArray());
        return json;
    }

    private void AddConstNode(string name, string dtype) =>
        _nodes.Add(new { name, op = "Const", attr = new Dictionary<string, object> { ["dtype"] = A.Type(dtype), ["value"] = new { tensor = new { dtype } } } });

    private delegate void SpanWriter(Span<byte> span);

    private void Write(int size, SpanWriter write)
    {
        Span<byte> buffer = stackalloc byte[8];
        write(buffer[..size]);
        _shard.Write(buffer[..size]);
    }
}

/// <summary>TF.js attribute values as the converter writes them (bytes in base64, ints as strings).</summary>
internal static class A
{
    public static object Type(string t) => new { type = t };

    public static object S(string s) => new { s = B64(s) };

    public static object B(bool b) => new { b };

    public static object I(long i) => new { i = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static object F(float f) => new { f };

    public static object Ints(params long[] i) => new { list = new { i = i.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)) } };

    public static object Strs(params string[] s) => new { list = new { s = s.Select(B64) } };

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
