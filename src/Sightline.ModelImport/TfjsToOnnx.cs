namespace Sightline.ModelImport;

/// <summary>The converted model and what a caller reports about it.</summary>
public sealed record ImportResult(OnnxModel Model, int TfNodeCount, IReadOnlyDictionary<string, int> TfOps)
{
    public IReadOnlyList<OnnxValueInfo> Inputs => Model.Graph.Inputs;

    public IReadOnlyList<OnnxValueInfo> Outputs => Model.Graph.Outputs;
}

/// <summary>
/// Converts a TF.js graph model to ONNX op by op. The graph keeps TensorFlow's layout (NHWC) so every shape,
/// axis and slice means what it meant in TF; only the ops ONNX defines on NCHW (Conv, pooling, Resize) are
/// wrapped in Transposes, which ONNX Runtime's transpose optimiser cancels between neighbouring convolutions.
/// Const nodes become initializers; small integer subgraphs over constants are folded here.
/// </summary>
public sealed partial class TfjsToOnnx
{
    private readonly TfjsGraphModel _model;
    private readonly Dictionary<string, TfTensor> _consts;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ElementType> _types = new(StringComparer.Ordinal);
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private int _counter;

    private TfjsToOnnx(TfjsGraphModel model)
    {
        _model = model;
        _consts = new Dictionary<string, TfTensor>(model.Constants, StringComparer.Ordinal);
    }

    public static async Task<ImportResult> ConvertFileAsync(string modelJson, CancellationToken cancellationToken)
    {
        var model = await TfjsGraphModel.LoadAsync(modelJson, cancellationToken).ConfigureAwait(false);
        return Convert(model, cancellationToken);
    }

    public static ImportResult Convert(TfjsGraphModel model, CancellationToken cancellationToken)
    {
        var order = TopologicalOrder(model);
        OpSupport.Check(order);
        var converter = new TfjsToOnnx(model);
        foreach (var node in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            converter.ConvertNode(node);
        }
        var graph = converter.Finish(System.IO.Path.GetFileNameWithoutExtension(model.Path));
        var ops = order.GroupBy(n => n.Op).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new ImportResult(new OnnxModel(graph), order.Count, ops);
    }

    /// <summary>The nodes the outputs depend on, producers first; dead nodes are dropped.</summary>
    private static List<TfjsNode> TopologicalOrder(TfjsGraphModel model)
    {
        var byName = model.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var order = new List<TfjsNode>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = on the stack, true = done
        var stack = new Stack<(TfjsNode Node, int Next)>();
        foreach (string output in model.Outputs)
        {
            var start = byName[TfjsGraphModel.NodeOf(output)];
            if (state.ContainsKey(start.Name))
                continue;
            state[start.Name] = false;
            stack.Push((start, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Inputs.Count)
                {
                    stack.Push((node, next + 1));
                    var input = byName[TfjsGraphModel.NodeOf(node.Inputs[next])];
                    if (state.TryGetValue(input.Name, out bool done))
                    {
                        if (!done)
                            throw SightlineException.InvalidParameter($"The graph has a cycle through {input}; control flow is not supported.");
                        continue;
                    }
                    state[input.Name] = false;
                    stack.Push((input, 0));
                }
                else
                {
                    state[node.Name] = true;
                    order.Add(node);
                }
            }
        }
        return order;
    }

    private void ConvertNode(TfjsNode node)
    {
        switch (node.Op)
        {
            case "Const":
                return; // already in _consts; materialised on first runtime use
            case "Placeholder":
                _values[node.Name] = node.Name;
                _types[node.Name] = node.Type("dtype") ?? ElementType.Float;
                return;
        }
        if (TryFold(node))
            return;
        if (!s_ops.TryGetValue(node.Op, out var convert))
            throw SightlineException.InvalidParameter($"Unsupported TF.js op {node.Op} in node '{node.Name}'.");
        convert(this, node);
    }

    private OnnxGraph Finish(string name)
    {
        var inputs = _model.Inputs.Select(i => new OnnxValueInfo(i.Name, i.Type, i.Shape)).ToList();
        var outputs = new List<OnnxValueInfo>();
        foreach (string reference in _model.Outputs.Distinct(StringComparer.Ordinal))
        {
            string value = Value(reference);
            if (value != reference)
                _nodes.Add(new OnnxNode("Identity", reference, [value], [reference], []));
            outputs.Add(new OnnxValueInfo(reference, _types[value], null));
        }
        return new OnnxGraph(name, _nodes, _initializers, inputs, outputs);
    }

    // ---- values -------------------------------------------------------------------------------------------

    /// <summary>The ONNX value holding a TF tensor; a constant becomes an initializer on first use.</summary>
    private string Value(string reference)
    {
        if (_values.TryGetValue(reference, out string? name))
            return name;
        if (!_consts.TryGetValue(reference, out var constant))
            throw new InvalidOperationException($"Tensor '{reference}' was read before it was converted.");
        name = reference;
        _initializers.Add(OnnxTensors.From(name, constant));
        _values[reference] = name;
        _types[name] = constant.Type;
        return name;
    }

    private string Input(TfjsNode node, int index)
    {
        if (index >= node.Inputs.Count)
            throw SightlineException.InvalidParameter($"{node} has {node.Inputs.Count} inputs; input {index} is required.");
        return Value(node.Inputs[index]);
    }

    private ElementType TypeOf(string value) => _types[value];

    /// <summary>Input <paramref name="index"/> as a constant; ops whose ONNX form needs it as an attribute require this.</summary>
    private TfTensor Const(TfjsNode node, int index, string what)
    {
        if (index >= node.Inputs.Count)
            throw SightlineException.InvalidParameter($"{node} has {node.Inputs.Count} inputs; its {what} (input {index}) is required.");
        return _consts.TryGetValue(node.Inputs[index], out var value)
            ? value
            : throw SightlineException.InvalidParameter($"{node}: its {what} ('{node.Inputs[index]}') must be a constant.");
    }

    private bool IsConst(TfjsNode node, int index) => index < node.Inputs.Count && _consts.ContainsKey(node.Inputs[index]);

    /// <summary>An input as int64 (ONNX shapes, axes, pads): constants are re-encoded, runtime values cast.</summary>
    private string Int64Input(TfjsNode node, int index)
    {
        if (IsConst(node, index))
        {
            var c = _consts[node.Inputs[index]];
            return Int64s(c.AsInts($"{node} input {index}"), c.Shape);
        }
        string v = Input(node, index);
        return TypeOf(v) == ElementType.Int64 ? v : Emit("Cast", [v], ElementType.Int64, node, OnnxAttribute.Of("to", (long)ElementType.Int64));
    }

    private string Int64s(long[] values, long[]? dims = null) =>
        AddInitializer(TfTensor.OfInts(ElementType.Int64, dims ?? [values.Length], values));

    private string Scalar(float value, ElementType type) =>
        AddInitializer(type == ElementType.Float ? TfTensor.OfFloats([], [value]) : TfTensor.OfInts(type, [], [(long)value]));

    private string AddInitializer(TfTensor tensor)
    {
        string name = $"const__{_counter++}";
        _initializers.Add(OnnxTensors.From(name, tensor));
        _types[name] = tensor.Type;
        return name;
    }

    // ---- emitting -----------------------------------------------------------------------------------------

    private string Emit(string op, IReadOnlyList<string> inputs, ElementType type, TfjsNode origin, params OnnxAttribute[] attributes) =>
        EmitMany(op, inputs, [type], origin, attributes)[0];

    private string[] EmitMany(string op, IReadOnlyList<string> inputs, IReadOnlyList<ElementType> types, TfjsNode origin, params OnnxAttribute[] attributes)
    {
        int id = _counter++;
        var outputs = new string[types.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = $"{origin.Name}__{id}_{i}";
            _types[outputs[i]] = types[i];
        }
        _nodes.Add(new OnnxNode(op, $"{origin.Name}__{op}_{id}", inputs, outputs, attributes));
        return outputs;
    }

    /// <summary>Records the ONNX value that holds output <paramref name="index"/> of a TF node.</summary>
    private void Bind(TfjsNode node, string value, int index = 0) =>
        _values[index == 0 ? node.Name : $"{node.Name}:{index}"] = value;

    private string ToNchw(string value, TfjsNode origin) =>
        Emit("Transpose", [value], TypeOf(value), origin, OnnxAttribute.Of("perm", [0L, 3, 1, 2]));

    private string ToNhwc(string value, TfjsNode origin) =>
        Emit("Transpose", [value], TypeOf(value), origin, OnnxAttribute.Of("perm", [0L, 2, 3, 1]));
}
