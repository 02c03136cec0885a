using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Sightline.Benchmarks;
using Sightline.Imaging;
using Sightline.Objects;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline bench labels IMAGE</c>: DetectLabels (resize, pack, run, decode, NMS, labels) against raw ONNX Runtime on the same tensor.</summary>
internal static class BenchLabelsCommand
{
    public static Command Build()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image to time (a 1080p photo is the reference case)" };
        var iterations = new Option<int>("--iterations") { DefaultValueFactory = _ => 15, Description = "Timed runs (after 2 warm-up runs)" };
        var command = new Command("labels", "Median ms of DetectLabels on one image next to the detector's raw ONNX Runtime time") { image, iterations, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            int n = parse.GetValue(iterations);
            if (n is < 1 or > 10_000)
                throw SightlineException.InvalidParameter($"--iterations must be between 1 and 10000, got {n}.");
            string path = parse.GetValue(image)!;
            using var engine = new LabelEngine(LabelsCommands.EngineOptions(parse));
            using var decoded = new ImageDecoder().DecodeFile(path);
            var result = LabelBenchmark.Run(path, engine, decoded, n, ct);
            double pipeline = result.DetectLabelsMs, raw = result.RawOrtMs;
            int labels = result.Labels;
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
                return 0;
            }
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(path)}[/] {result.Width}x{result.Height}, {result.Detector}, {labels} label(s), median of {n} runs, one thread");
            var table = new Table().AddColumns("", "ms");
            table.AddRow("DetectLabels (without decode)", $"{pipeline:F2}");
            table.AddRow("raw ORT", $"{raw:F2}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"ratio: [bold]{result.Ratio:F3}x[/] the raw ORT time");
            return 0;
        });
        return command;
    }
}
