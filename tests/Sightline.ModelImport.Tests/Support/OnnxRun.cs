using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Sightline.ModelImport.Tests.Support;

/// <summary>Runs a converted model once with ONNX Runtime (after one warm-up run) and times the second run.</summary>
internal static class OnnxRun
{
    public static (Dictionary<string, (int[] Shape, float[] Values)> Outputs, double Milliseconds) Run(byte[] onnx, float[] input, int[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var session = new InferenceSession(onnx, options);
        string inputName = session.InputMetadata.Keys.Single();
        var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape)) };
        using (session.Run(feed))
        {
        }
        var watch = Stopwatch.StartNew();
        using var results = session.Run(feed);
        double ms = watch.Elapsed.TotalMilliseconds;
        var outputs = new Dictionary<string, (int[], float[])>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            float[] values = r.Value switch
            {
                Tensor<float> f => f.ToArray(),
                Tensor<int> i => [.. i.ToArray().Select(v => (float)v)],
                Tensor<long> l => [.. l.ToArray().Select(v => (float)v)],
                Tensor<bool> b => [.. b.ToArray().Select(v => v ? 1f : 0f)],
                _ => throw new InvalidOperationException($"Output {r.Name} has an unexpected type."),
            };
            int[] dims = r.Value switch
            {
                Tensor<float> f => f.Dimensions.ToArray(),
                Tensor<int> i => i.Dimensions.ToArray(),
                Tensor<long> l => l.Dimensions.ToArray(),
                Tensor<bool> b => b.Dimensions.ToArray(),
                _ => [],
            };
            outputs[r.Name] = (dims, values);
        }
        return (outputs, ms);
    }
}
