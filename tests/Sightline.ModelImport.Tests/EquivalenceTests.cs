using Sightline.ModelImport.Tests.Support;
using Xunit.Abstractions;

namespace Sightline.ModelImport.Tests;

/// <summary>
/// Each converted model against TensorFlow.js itself: the same photo-derived input through tfjs-core 4.22
/// (CPU backend) and through ONNX Runtime on the converted graph; every output must agree.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class EquivalenceTests(ITestOutputHelper output)
{
    /// <summary>Max abs difference allowed, relative to the output's scale (its max |value|, at least 1).</summary>
    private const double Tolerance = 1e-3;

    public static TheoryData<string, int, int, int, bool, float, float> Models => new()
    {
        // name, height, width, channels, NCHW input, scale, offset
        { "centernet", 512, 512, 3, false, 1f / 255, 0 },
        { "nanodet", 416, 416, 3, true, 1f / 255, 0 },
        { "blazeface", 256, 256, 3, false, 2f / 255, -1 },
        { "faceres", 224, 224, 3, false, 1f / 255, 0 },
        { "mobilefacenet", 112, 112, 3, false, 1f / 255, 0 },
        { "emotion", 64, 64, 1, false, 1f / 255, 0 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Converted_model_matches_TensorFlow_js(string name, int height, int width, int channels, bool nchw, float scale, float offset)
    {
        var ct = CancellationToken.None;
        string modelJson = HumanModels.ModelJson(name);
        float[] input = ModelInputs.FromPhoto(HumanModels.Fixture("sample1"), height, width, channels, nchw, scale, offset);
        int[] shape = nchw ? [1, channels, height, width] : [1, height, width, channels];
        using var work = new TempDir();

        var reference = await TfjsReference.RunAsync(modelJson, input, work.Path, ct);
        var result = await TfjsToOnnx.ConvertFileAsync(modelJson, ct);
        var (outputs, ms) = OnnxRun.Run(OnnxWriter.Serialize(result.Model), input, shape);

        Assert.Equal(reference.Count, outputs.Count);
        double worst = 0;
        foreach (var expected in reference)
        {
            string key = expected.Name.EndsWith(":0", StringComparison.Ordinal) ? expected.Name[..^2] : expected.Name;
            Assert.True(outputs.TryGetValue(key, out var actual), $"ONNX output '{key}' is missing; it has {string.Join(", ", outputs.Keys)}.");
            Assert.Equal(expected.Shape, actual.Shape);
            double maxRef = Math.Max(1, expected.Values.Max(v => Math.Abs(v)));
            double diff = 0;
            for (int i = 0; i < expected.Values.Length; i++)
                diff = Math.Max(diff, Math.Abs(expected.Values[i] - actual.Values[i]));
            output.WriteLine($"{name} {key} [{string.Join(",", expected.Shape)}] max|ref| {maxRef:G4} max abs diff {diff:E2}");
            Assert.True(diff <= Tolerance * maxRef, $"{name} output {key}: max abs difference {diff:E3} exceeds {Tolerance * maxRef:E3}.");
            worst = Math.Max(worst, diff);
        }
        output.WriteLine($"RESULT {name}: {result.TfNodeCount} TF nodes, {result.TfOps.Count} ops, max abs diff {worst:E2}, ORT {ms:F1} ms");
    }
}
