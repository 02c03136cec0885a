using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Sightline.ModelImport;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline models import tfjs MODEL.json --out X.onnx</c>: convert, write, and prove the result loads and runs in ONNX Runtime.</summary>
internal static class ModelsImportCommand
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var model = new Argument<string>("MODEL_JSON") { Description = "A TensorFlow.js graph model (model.json with its weight shards beside it)" };
        var output = new Option<string>("--out") { Description = "The ONNX file to write", Required = true };
        var tfjs = new Command("tfjs", "Convert a TensorFlow.js graph model to ONNX (opset 13), then load it and time one inference in ONNX Runtime")
        {
            model, output, GlobalOptions.Json,
        };
        tfjs.SetGuardedAction(async (parse, ct) =>
        {
            string source = Path.GetFullPath(parse.GetValue(model)!);
            string target = Path.GetFullPath(parse.GetValue(output)!);
            var result = await TfjsToOnnx.ConvertFileAsync(source, ct).ConfigureAwait(false);
            byte[] bytes = OnnxWriter.Serialize(result.Model);
            string temp = target + ".part";
            await File.WriteAllBytesAsync(temp, bytes, ct).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
            string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var check = Check(bytes, result.Inputs);
            var report = new
            {
                Source = source,
                Output = target,
                Bytes = bytes.LongLength,
                Sha256 = sha,
                TfNodes = result.TfNodeCount,
                OpCount = result.TfOps.Count,
                Ops = result.TfOps,
                OnnxNodes = result.Model.Graph.Nodes.Count,
                result.Model.Opset,
                Inputs = result.Inputs.Select(i => new { i.Name, Type = i.Type.ToString(), Shape = i.Dims }),
                Outputs = result.Outputs.Select(o => new { o.Name, Type = o.Type.ToString(), Shape = check.OutputShapes.GetValueOrDefault(o.Name) }),
                OrtMilliseconds = check.Milliseconds,
            };
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, s_json));
                return 0;
            }
            Console.WriteLine($"converted  {source}");
            Console.WriteLine($"ops        {result.TfOps.Count} distinct TF ops in {result.TfNodeCount} nodes -> {report.OnnxNodes} ONNX nodes (opset {result.Model.Opset})");
            Console.WriteLine($"           {string.Join(", ", result.TfOps.Select(kv => $"{kv.Key} x{kv.Value}"))}");
            foreach (var i in report.Inputs)
                Console.WriteLine($"input      {i.Name} {i.Type} {Shape(i.Shape)}");
            foreach (var o in report.Outputs)
                Console.WriteLine($"output     {o.Name} {o.Type} {Shape(o.Shape)}");
            Console.WriteLine(check.Milliseconds is { } ms
                ? $"onnxruntime loads it; one inference on a zero input took {ms.ToString("F1", CultureInfo.InvariantCulture)} ms"
                : "onnxruntime loads it (not run: the input shape is not fully known)");
            Console.WriteLine($"wrote      {target} ({bytes.LongLength:N0} bytes)");
            Console.WriteLine($"sha256     {sha}");
            return 0;
        });
        return new Command("import", "Convert models from other formats to ONNX") { tfjs };
    }

    private static string Shape(long[]? dims) =>
        dims is null ? "[?]" : "[" + string.Join(",", dims.Select(d => d < 0 ? "batch" : d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>Loads the model in ONNX Runtime and, where the input shape is known (batch taken as 1), times one run on zeros after a warm-up run.</summary>
    private static (Dictionary<string, long[]> OutputShapes, double? Milliseconds) Check(byte[] onnx, IReadOnlyList<OnnxValueInfo> inputs)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        try
        {
            using var session = new InferenceSession(onnx);
            if (inputs.Count != 1 || inputs[0].Dims is not { } dims || inputs[0].Type != ElementType.Float || dims.Skip(1).Any(d => d < 0))
                return (shapes, null);
            long[] shape = [.. dims.Select(d => d < 0 ? 1 : d)];
            using var input = OrtValue.CreateTensorValueFromMemory(new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
            var names = session.OutputNames;
            using var runOptions = new RunOptions();
            using (session.Run(runOptions, [inputs[0].Name], [input], names))
            {
                // warm-up: the first run allocates and plans
            }
            var watch = Stopwatch.StartNew();
            using var results = session.Run(runOptions, [inputs[0].Name], [input], names);
            double ms = watch.Elapsed.TotalMilliseconds;
            for (int i = 0; i < names.Count; i++)
                shapes[names[i]] = results[i].GetTensorTypeAndShape().Shape;
            return (shapes, ms);
        }
        catch (OnnxRuntimeException ex)
        {
            throw SightlineException.InvalidParameter($"ONNX Runtime rejected the converted model: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }
}
