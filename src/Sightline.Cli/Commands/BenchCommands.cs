using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Sightline.Faces;
using Sightline.Imaging;
using Spectre.Console;

namespace Sightline.Cli.Commands;

internal static class BenchCommands
{
    public static Command Build() => new("bench", "Benchmarks (medians; see README for the figures)") { Faces(), BenchLabelsCommand.Build(), BenchSearchCommand.Build(), BenchIndexCommand.Build(), BenchServerCommand.Build(), BenchAuditCommand.Build() };

    private sealed record StageRow(string Stage, double PipelineMs, double RawOrtMs);

    private sealed record ImageBench(string Image, int Width, int Height, int Faces, int Iterations,
        IReadOnlyList<StageRow> Stages, double PipelineMs, double RawOrtMs, double Overhead, double ParallelPipelineMs);

    private static Command Faces()
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore, Description = "Images to time (a 1080p photo with several faces is the reference case)" };
        var iterations = new Option<int>("--iterations") { DefaultValueFactory = _ => 15, Description = "Timed runs per image (after 2 warm-up runs)" };
        var command = new Command("faces", "Median ms per stage (decode, detect, landmarks, pose+quality, attributes, align+embed) next to raw ONNX Runtime time")
        {
            images, iterations, GlobalOptions.Json,
        };
        command.SetSyncAction((parse, ct) =>
        {
            int n = parse.GetValue(iterations);
            if (n is < 1 or > 10_000)
                throw SightlineException.InvalidParameter($"--iterations must be between 1 and 10000, got {n}.");
            var options = GlobalOptions.EngineOptions(parse);
            using var sequential = new FaceEngine(options with { Parallelism = 1 });
            using var parallel = new FaceEngine(options);
            var request = new FaceRequest { AllAttributes = true, Embeddings = true };
            sequential.Warm(request);
            parallel.Warm(request);
            var decoder = new ImageDecoder();
            var results = parse.GetValue(images)!.Select(path => BenchImage(path, decoder, sequential, parallel, request, n, ct)).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
                return 0;
            }
            foreach (var r in results)
            {
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(r.Image)}[/] {r.Width}x{r.Height}, {r.Faces} face(s), median of {r.Iterations} runs, one core (tiles and faces in turn)");
                var table = new Table().AddColumns("stage", "pipeline ms", "raw ORT ms");
                foreach (var s in r.Stages)
                    table.AddRow(s.Stage, $"{s.PipelineMs:F2}", s.RawOrtMs > 0 ? $"{s.RawOrtMs:F2}" : "-");
                table.AddRow("[bold]total (without decode)[/]", $"{r.PipelineMs:F2}", $"{r.RawOrtMs:F2}");
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine($"overhead: [bold]{r.Overhead:F3}x[/] the summed raw ORT time; all cores: {r.ParallelPipelineMs:F1} ms per image");
            }
            return 0;
        });
        return command;
    }

    private static ImageBench BenchImage(string path, ImageDecoder decoder, FaceEngine engine, FaceEngine parallel, FaceRequest request, int n, CancellationToken ct)
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
            new("decode", Median(decodeMs), 0),
            new("detect", Median(stageMs[Stage.Detect]), Raw("face-detector")),
            new("landmarks", Median(stageMs[Stage.Landmarks]), Raw("face-landmarks")),
            new("pose + quality", Median(stageMs[Stage.PoseQuality]), Raw("face-pose")),
            new("attributes", Median(stageMs[Stage.Attributes]), Raw("face-age", "face-gender", "face-eyes", "face-expression")),
            new("align + embed", Median(stageMs[Stage.AlignEmbed]), Raw("face-embedder")),
        };
        double raw = rawByModel.Sum(r => r.Ms);
        double pipeline = Median(totalMs);
        return new ImageBench(path, width, height, faces, n, rows, pipeline, raw, pipeline / raw, Median(parallelMs));
    }

    private static double RawMedianMs(Sightline.Inference.OnnxModel model, int runs)
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
        return Median(times);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
