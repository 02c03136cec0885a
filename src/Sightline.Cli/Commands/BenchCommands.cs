using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Sightline.Benchmarks;
using Sightline.Faces;
using Sightline.Imaging;
using Spectre.Console;

namespace Sightline.Cli.Commands;

internal static class BenchCommands
{
    public static Command Build() => new("bench", "Benchmarks and the fuzzing campaign (figures in docs/benchmarks.md and docs/security.md)") { Faces(), BenchLabelsCommand.Build(), BenchSearchCommand.Build(), BenchIndexCommand.Build(), BenchServerCommand.Build(), BenchAuditCommand.Build(), BenchFuzzCommand.Build(), BenchCamerasCommand.Build(), BenchVideoCommand.Build(), BenchClusterCommand.Build() };

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
            var results = parse.GetValue(images)!.Select(path => FaceBenchmark.Run(path, decoder, sequential, parallel, request, n, ct)).ToList();
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
}
