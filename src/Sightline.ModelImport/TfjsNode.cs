using System.Text;
using System.Text.Json;

namespace Sightline.ModelImport;

/// <summary>One node of a TF.js graph model: its op, its data inputs (control inputs dropped), its attributes.</summary>
public sealed class TfjsNode(string name, string op, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, JsonElement> attrs)
{
    public string Name { get; } = name;

    public string Op { get; } = op;

    /// <summary>Tensor references, normalised: <c>node</c> for output 0, <c>node:k</c> for output k.</summary>
    public IReadOnlyList<string> Inputs { get; } = inputs;

    public IReadOnlyDictionary<string, JsonElement> Attrs { get; } = attrs;

    public bool Has(string attr) => Attrs.ContainsKey(attr);

    public long Int(string attr, long fallback = 0) =>
        Attrs.TryGetValue(attr, out var a) && a.TryGetProperty("i", out var i) ? ParseLong(i) : fallback;

    public float Float(string attr, float fallback = 0) =>
        Attrs.TryGetValue(attr, out var a) && a.TryGetProperty("f", out var f) ? ParseFloat(f) : fallback;

    public bool Bool(string attr, bool fallback = false) =>
        Attrs.TryGetValue(attr, out var a) && a.TryGetProperty("b", out var b) ? b.GetBoolean() : fallback;

    /// <summary>A string attribute; TF.js stores bytes as base64.</summary>
    public string String(string attr, string fallback = "") =>
        Attrs.TryGetValue(attr, out var a) && a.TryGetProperty("s", out var s) ? DecodeBytes(s) : fallback;

    public long[] Ints(string attr) =>
        Attrs.TryGetValue(attr, out var a) && a.TryGetProperty("list", out var l) && l.TryGetProperty("i", out var i)
            ? [.. i.EnumerateArray().Select(ParseLong)]
            : [];

    public string[] Strings(string attr) =>
        Attrs.TryGetValue(attr, out var a) && a.TryGetProperty("list", out var l) && l.TryGetProperty("s", out var s)
            ? [.. s.EnumerateArray().Select(DecodeBytes)]
            : [];

    /// <summary>A dtype attribute (<c>{"type": "DT_FLOAT"}</c>) as the converter's element type.</summary>
    public ElementType? Type(string attr) =>
        Attrs.TryGetValue(attr, out var a) && a.TryGetProperty("type", out var t) ? TfDTypes.FromGraph(t.GetString() ?? "", this) : null;

    /// <summary>A shape attribute; unknown dimensions are -1, an unknown rank is null.</summary>
    public long[]? Shape(string attr)
    {
        if (!Attrs.TryGetValue(attr, out var a) || !a.TryGetProperty("shape", out var s))
            return null;
        if (s.TryGetProperty("unknownRank", out var u) && u.GetBoolean())
            return null;
        return s.TryGetProperty("dim", out var dims) ? [.. dims.EnumerateArray().Select(d => d.TryGetProperty("size", out var z) ? ParseLong(z) : -1)] : [];
    }

    public override string ToString() => $"{Op} '{Name}'";

    private static long ParseLong(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetInt64();

    private static float ParseFloat(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() switch
        {
            "NaN" => float.NaN,
            "Infinity" => float.PositiveInfinity,
            "-Infinity" => float.NegativeInfinity,
            var v => float.Parse(v!, System.Globalization.CultureInfo.InvariantCulture),
        },
        _ => e.GetSingle(),
    };

    private static string DecodeBytes(JsonElement e) => Encoding.UTF8.GetString(Convert.FromBase64String(e.GetString() ?? ""));
}

internal static class TfDTypes
{
    public static ElementType FromGraph(string dtype, TfjsNode node) => dtype switch
    {
        "DT_FLOAT" => ElementType.Float,
        "DT_INT32" => ElementType.Int32,
        "DT_INT64" => ElementType.Int64,
        "DT_BOOL" => ElementType.Bool,
        _ => throw SightlineException.InvalidParameter($"Unsupported dtype {dtype} in {node}."),
    };
}
