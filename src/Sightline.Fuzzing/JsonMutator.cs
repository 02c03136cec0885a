using System.Text;
using System.Text.Json.Nodes;

namespace Sightline.Fuzzing;

/// <summary>
/// Turns a plausible JSON body hostile: one node of the wrong type or a hostile value, fields dropped or added,
/// huge strings, arrays and objects, deep nesting, and text-level damage (truncation, bytes that are not UTF-8,
/// duplicate keys, a top level that is no object). Returns the body and the name of what was done to it.
/// </summary>
internal static class JsonMutator
{
    private const string Raw = "\u0001raw\u0001";

    public static (byte[] Body, string Mutation) Mutate(Random rng, JsonObject body)
    {
        int kind = rng.Weighted([25, 14, 10, 8, 8, 7, 6, 6, 8, 8]);
        string? raw = null;
        string mutation;
        switch (kind)
        {
            case 0:
                mutation = "valid";
                break;
            case 1:
                raw = Replace(rng, body, rng.One(Hostile.Fragments));
                mutation = "wrong-type";
                break;
            case 2:
                raw = Replace(rng, body, Quote(Hostile.String(rng)));
                mutation = "hostile-string";
                break;
            case 3:
                raw = Replace(rng, body, rng.One(Hostile.Numbers));
                mutation = "edge-number";
                break;
            case 4:
                Drop(rng, body);
                mutation = "missing-field";
                break;
            case 5:
                Extra(rng, body);
                mutation = "extra-field";
                break;
            case 6:
                raw = Replace(rng, body, Huge(rng));
                mutation = "huge";
                break;
            case 7:
                int depth = rng.One([33, 64, 1000, 100_000]);
                raw = Replace(rng, body, rng.Chance(0.5) ? new string('[', depth) + new string(']', depth) : Nested(depth));
                mutation = "deep-nesting";
                break;
            default:
                return Textual(rng, body.ToJsonString());
        }
        string text = body.ToJsonString();
        if (raw is not null)
            text = text.Replace(Quote(Raw), raw, StringComparison.Ordinal);
        return (Encoding.UTF8.GetBytes(text), mutation);
    }

    /// <summary>Damage to the text itself, where no JSON tree can go.</summary>
    public static (byte[] Body, string Mutation) Textual(Random rng, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        switch (rng.Next(9))
        {
            case 0:
                return (bytes[..rng.Next(0, Math.Max(1, bytes.Length))], "truncated");
            case 1:
                int at = rng.Next(bytes.Length + 1);
                return ([.. bytes[..at], .. Hostile.BadUtf8(rng), .. bytes[at..]], "invalid-utf8");
            case 2:
                return ([0xEF, 0xBB, 0xBF, .. bytes], "byte-order-mark");
            case 3:
                return ([.. bytes, .. Encoding.UTF8.GetBytes(rng.One(["}", "]", " x", "{}", "\u0000", ",", "\n\n{\"a\":1}"]))], "trailing-garbage");
            case 4:
                return (Encoding.UTF8.GetBytes(rng.One(Hostile.Fragments)), "not-an-object");
            case 5:
                var noise = new byte[rng.Next(0, 4096)];
                rng.NextBytes(noise);
                return (noise, "random-bytes");
            case 6:
                // The first field again at the end: a duplicate key.
                int colon = json.IndexOf(':', StringComparison.Ordinal);
                return colon > 1 && json.Length > 2
                    ? (Encoding.UTF8.GetBytes(json[..^1] + (json.Length > 2 ? "," : "") + json[1..colon] + ":" + rng.One(Hostile.Fragments) + "}"), "duplicate-key")
                    : (bytes, "valid");
            case 7:
                var flipped = (byte[])bytes.Clone();
                for (int i = rng.Next(1, 6); i > 0 && flipped.Length > 0; i--)
                    flipped[rng.Next(flipped.Length)] ^= (byte)(1 << rng.Next(8));
                return (flipped, "bit-flips");
            default:
                return (Encoding.Unicode.GetBytes(json), "utf16");
        }
    }

    private static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static string Nested(int depth)
    {
        var text = new StringBuilder(depth * 6);
        for (int i = 0; i < depth; i++)
            text.Append("{\"a\":");
        text.Append('1');
        text.Append('}', depth);
        return text.ToString();
    }

    private static string Huge(Random rng) => rng.Next(4) switch
    {
        0 => Quote(Hostile.Long(rng)),
        1 => "[" + string.Join(',', Enumerable.Repeat("\"" + rng.One(["x", "00000000-0000-0000-0000-000000000000", ""]) + "\"", rng.One([1_001, 20_000, 200_000]))) + "]",
        2 => "{" + string.Join(',', Enumerable.Range(0, rng.One([51, 5_000, 60_000])).Select(i => $"\"k{i}\":\"v\"")) + "}",
        _ => "[" + string.Join(',', Enumerable.Repeat("1e308", rng.One([1_000, 100_000]))) + "]",
    };

    /// <summary>Every node of the tree with the object or array that holds it.</summary>
    private static List<(JsonNode Parent, string? Name, int Index)> Slots(JsonObject root)
    {
        var slots = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode node, int depth)
        {
            if (depth > 12) return;
            if (node is JsonObject obj)
            {
                foreach (var (name, child) in obj.ToList())
                {
                    slots.Add((obj, name, -1));
                    if (child is not null) Walk(child, depth + 1);
                }
            }
            else if (node is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    if (array[i] is { } child) Walk(child, depth + 1);
                }
            }
        }
        Walk(root, 0);
        return slots;
    }

    /// <summary>Puts a placeholder where the raw text goes (a random slot, or a new field when there is none).</summary>
    private static string Replace(Random rng, JsonObject root, string rawValue)
    {
        var slots = Slots(root);
        if (slots.Count == 0)
        {
            root["CollectionId"] = Raw;
            return rawValue;
        }
        var (parent, name, index) = rng.One(slots);
        if (parent is JsonObject obj) obj[name!] = Raw;
        else ((JsonArray)parent)[index] = Raw;
        return rawValue;
    }

    private static void Drop(Random rng, JsonObject root)
    {
        var slots = Slots(root).Where(s => s.Parent is JsonObject).ToList();
        for (int n = rng.Next(1, 3); n > 0 && slots.Count > 0; n--)
        {
            var (parent, name, _) = rng.One(slots);
            ((JsonObject)parent).Remove(name!);
            slots = Slots(root).Where(s => s.Parent is JsonObject).ToList();
        }
    }

    private static void Extra(Random rng, JsonObject root)
    {
        var existing = root.Select(p => p.Key).ToList();
        for (int n = rng.Next(1, 4); n > 0; n--)
        {
            string name = rng.Next(4) switch
            {
                0 when existing.Count > 0 => rng.One(existing).ToLowerInvariant(), // the same field in another case
                1 when existing.Count > 0 => rng.One(existing).ToUpperInvariant(),
                2 => rng.One(["__proto__", "constructor", "$type", "", "__type", "Unknown", "x-amz-target"]),
                _ => Hostile.String(rng),
            };
            root[name] = rng.Chance(0.5) ? rng.One(Hostile.Strings) : JsonNode.Parse(rng.One(["1", "{}", "[]", "null", "true"]));
        }
    }
}
