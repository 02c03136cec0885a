using System.Diagnostics;
using Sightline.Faces;
using Sightline.Imaging;

namespace Sightline.Benchmarks;

public sealed record StageRow(string Stage, double PipelineMs, double RawOrtMs);

public sealed record ImageBench(string Image, int Width, int Height, int Faces, int Iterations,
    IReadOnlyList<StageRow> Stages, double PipelineMs, double RawOrtMs, double Overhead, double ParallelPipelineMs);

/// <summary>Median ms per face pipeline stage next to raw ONNX Runtime time for the same model runs.</summary>
public static class FaceBenchmark
{
    public static ImageBench Run(string path, ImageDecoder decoder, FaceEngine engine, FaceEngine parallel, FaceRequest request, int n, CancellationToken ct)
    {
        var decodeMs = new List<double>();
        var stageMs = Enum.GetValues<Stage>().ToDictionary(s => s, _ => new List<double>());
        var totalMs = new List<double>();
        var parallelMs = new List<double>();
        int faces = 0, width = 0, height = 0;
        for (int i = -2; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var image = decoder.DecodeFile(path);
            double decode = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            (width, height) = (image.Width, image.Height);
            if (i == 0)
            {
                foreach (var m in engine.LoadedModels) m.ResetCounters();
            }
            var timings = new StageTimings();
            long t1 = Stopwatch.GetTimestamp();
            faces = engine.Analyze(image, request, ct, timings).Count;
            double total = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
            long t2 = Stopwatch.GetTimestamp();
            parallel.Analyze(image, request, ct);
            double par = Stopwatch.GetElapsedTime(t2).TotalMilliseconds;
            if (i < 0) continue;
            decodeMs.Add(decode);
            totalMs.Add(total);
            parallelMs.Add(par);
            foreach (var s in stageMs.Keys) stageMs[s].Add(timings.Milliseconds(s));
        }
        // Raw ONNX Runtime: each model alone on a ready tensor, as many runs per image as the pipeline made.
        var rawByModel = engine.LoadedModels.Select(m => (Role: m.File.Entry.Role ?? m.File.Id, Ms: m.Runs / (double)n * RawMedianMs(m, 15))).ToList();
        double Raw(params string[] roles) => rawByModel.Where(r => roles.Contains(r.Role)).Sum(r => r.Ms);
        var rows = new List<StageRow>
        {
            new("decode", Stats.Median(decodeMs), 0),
            new("detect", Stats.Median(stageMs[Stage.Detect]), Raw("face-detector")),
            new("landmarks", Stats.Median(stageMs[Stage.Landmarks]), Raw("face-landmarks")),
            new("pose + quality", Stats.Median(stageMs[Stage.PoseQuality]), Raw("face-pose")),
            new("attributes", Stats.Median(stageMs[Stage.Attributes]), Raw("face-age", "face-gender", "face-eyes", "face-expression")),
            new("align + embed", Stats.Median(stageMs[Stage.AlignEmbed]), Raw("face-embedder")),
        };
        double raw = rawByModel.Sum(r => r.Ms);
        double pipeline = Stats.Median(totalMs);
        return new ImageBench(path, width, height, faces, n, rows, pipeline, raw, pipeline / raw, Stats.Median(parallelMs));
    }

    /// <summary>Median ms of one model alone on a ready random tensor (ONNX Runtime without the pipeline around it).</summary>
    public static double RawMedianMs(Sightline.Inference.OnnxModel model, int runs)
    {
        var shape = model.InputShape;
        var input = new float[shape.Aggregate(1, (a, b) => a * b)];
        var random = new Random(1);
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        var longShape = shape.Select(d => (long)d).ToArray();
        model.RunRaw(input, longShape);
        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            long t = Stopwatch.GetTimestamp();
            model.RunRaw(input, longShape);
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return Stats.Median(times);
    }
}
