using System.Text.Json;

namespace Sightline.ModelImport;

/// <summary>A graph input or output as the model declares it (shape -1 = any size; null = not declared).</summary>
public sealed record TensorInfo(string Name, ElementType Type, long[]? Shape);

/// <summary>
/// A TensorFlow.js graph model (<c>model.json</c> with <c>format: graph-model</c>) and its constants, read from
/// the weight shards beside it and dequantised (float16, uint8/uint16 affine) to float32.
/// </summary>
public sealed class TfjsGraphModel
{
    private TfjsGraphModel(string path, IReadOnlyList<TfjsNode> nodes, IReadOnlyDictionary<string, TfTensor> constants, IReadOnlyList<TensorInfo> inputs, IReadOnlyList<string> outputs)
    {
        Path = path;
        Nodes = nodes;
        Constants = constants;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string Path { get; }

    public IReadOnlyList<TfjsNode> Nodes { get; }

    /// <summary>Const node values by node name.</summary>
    public IReadOnlyDictionary<string, TfTensor> Constants { get; }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>Output tensor references (<c>node</c> or <c>node:k</c>): the signature's, else the graph's sinks.</summary>
    public IReadOnlyList<string> Outputs { get; }

    public static async Task<TfjsGraphModel> LoadAsync(string modelJson, CancellationToken cancellationToken)
    {
        string path = System.IO.Path.GetFullPath(modelJson);
        if (!File.Exists(path))
            throw SightlineException.InvalidParameter($"TF.js model {path} does not exist.");
        JsonDocument doc;
        try
        {
            await using var stream = File.OpenRead(path);
            doc = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new SightlineException(ErrorKind.InvalidParameter, $"TF.js model {path} is not valid JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodeArray) || nodeArray.ValueKind != JsonValueKind.Array)
                throw SightlineException.InvalidParameter($"TF.js model {path} has no modelTopology.node: only graph models are supported.");
            if (root.TryGetProperty("format", out var format) && format.GetString() is { } f && f != "graph-model")
                throw SightlineException.InvalidParameter($"TF.js model {path} is a '{f}'; only graph models are supported.");
            var nodes = ParseNodes(nodeArray, path);
            var constants = await TfjsWeights.ReadAsync(root, System.IO.Path.GetDirectoryName(path)!, cancellationToken).ConfigureAwait(false);
            foreach (var node in nodes.Where(n => n.Op == "Const"))
            {
                if (!constants.ContainsKey(node.Name))
                    throw SightlineException.InvalidParameter($"Const node '{node.Name}' has no entry in the weights manifest of {path}.");
            }
            var inputs = nodes.Where(n => n.Op == "Placeholder")
                .Select(n => new TensorInfo(n.Name, n.Type("dtype") ?? ElementType.Float, n.Shape("shape")))
                .ToList();
            return new TfjsGraphModel(path, nodes, constants, inputs, FindOutputs(root, nodes));
        }
    }

    private static List<TfjsNode> ParseNodes(JsonElement array, string path)
    {
        var nodes = new List<TfjsNode>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in array.EnumerateArray())
        {
            string? name = n.TryGetProperty("name", out var nm) ? nm.GetString() : null;
            string? op = n.TryGetProperty("op", out var o) ? o.GetString() : null;
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(op))
                throw SightlineException.InvalidParameter($"TF.js model {path} has a node without a name or op.");
            if (!names.Add(name))
                throw SightlineException.InvalidParameter($"TF.js model {path} has two nodes named '{name}'.");
            var inputs = n.TryGetProperty("input", out var ins)
                ? ins.EnumerateArray().Select(i => i.GetString() ?? "").Where(i => !i.StartsWith('^')).Select(NormaliseRef).ToList()
                : [];
            var attrs = n.TryGetProperty("attr", out var at)
                ? at.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
                : [];
            nodes.Add(new TfjsNode(name, op, inputs, attrs));
        }
        foreach (var node in nodes)
        {
            foreach (string input in node.Inputs)
            {
                if (!names.Contains(NodeOf(input)))
                    throw SightlineException.InvalidParameter($"{node} reads '{input}', which no node of {path} produces.");
            }
        }
        return nodes;
    }

    private static List<string> FindOutputs(JsonElement root, List<TfjsNode> nodes)
    {
        var signature = root.TryGetProperty("signature", out var s) ? s
            : root.TryGetProperty("userDefinedMetadata", out var u) && u.TryGetProperty("signature", out var us) ? us
            : default;
        var byName = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        if (signature.ValueKind == JsonValueKind.Object && signature.TryGetProperty("outputs", out var outs) && outs.ValueKind == JsonValueKind.Object)
        {
            var list = outs.EnumerateObject()
                .Select(p => p.Value.TryGetProperty("name", out var n) ? n.GetString() ?? p.Name : p.Name)
                .Select(NormaliseRef)
                .ToList();
            if (list.Count > 0 && list.All(o => byName.Contains(NodeOf(o))))
                return list;
        }
        var consumed = nodes.SelectMany(n => n.Inputs).Select(NodeOf).ToHashSet(StringComparer.Ordinal);
        return [.. nodes.Where(n => n.Op is not ("Const" or "Placeholder" or "NoOp") && !consumed.Contains(n.Name)).Select(n => n.Name)];
    }

    /// <summary><c>node:0</c> → <c>node</c>; other output indices are kept.</summary>
    internal static string NormaliseRef(string reference) =>
        reference.EndsWith(":0", StringComparison.Ordinal) ? reference[..^2] : reference;

    internal static string NodeOf(string reference)
    {
        int colon = reference.LastIndexOf(':');
        return colon > 0 && int.TryParse(reference.AsSpan(colon + 1), out _) ? reference[..colon] : reference;
    }

    internal static int OutputIndexOf(string reference)
    {
        int colon = reference.LastIndexOf(':');
        return colon > 0 && int.TryParse(reference.AsSpan(colon + 1), out int k) ? k : 0;
    }
}
