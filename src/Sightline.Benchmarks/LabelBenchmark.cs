using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Objects;

namespace Sightline.Benchmarks;

public sealed record LabelsBench(string Image, int Width, int Height, string Detector, int Labels, int Iterations, double DetectLabelsMs, double RawOrtMs, double Ratio);

/// <summary>Median ms of DetectLabels on one image next to the detector's raw ONNX Runtime time on the same tensor.</summary>
public static class LabelBenchmark
{
    public static LabelsBench Run(string path, LabelEngine engine, DecodedImage decoded, int n, CancellationToken ct)
    {
        var query = new LabelQuery();
        var labelMs = new List<double>();
        int labels = 0;
        for (int i = -2; i < n; i++)
        {
            long t = Stopwatch.GetTimestamp();
            labels = engine.DetectLabels(decoded, query, ct).Labels.Count;
            if (i >= 0) labelMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        // Raw ONNX Runtime: the same model on this image's prepared tensor, nothing else.
        var (input, shape) = engine.Detector.PrepareInput(decoded.Bgr);
        var rawMs = new List<double>();
        for (int i = -2; i < n; i++)
        {
            long t = Stopwatch.GetTimestamp();
            engine.Detector.Model.RunRaw(input, shape);
            if (i >= 0) rawMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        double pipeline = Stats.Median(labelMs), raw = Stats.Median(rawMs);
        return new LabelsBench(path, decoded.Width, decoded.Height, engine.ModelVersion, labels, n, pipeline, raw, pipeline / raw);
    }
}
