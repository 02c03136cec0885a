using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sightline.Evaluation;
using Sightline.Imaging;
using Sightline.Objects;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline eval labels --coco INSTANCES.json --images DIR</c>: COCO box mAP of the object detector.</summary>
internal static class EvalLabelsCommand
{
    /// <summary>COCO evaluation keeps low-scoring detections (they only add recall at the tail of the curve).</summary>
    public const float EvaluationMinScore = 0.01f;

    public static readonly string[] ReportClasses = ["person", "car", "truck", "bus", "motorcycle", "bicycle"];

    public static Command Build()
    {
        var coco = new Option<string>("--coco") { Description = "COCO instances JSON (images, annotations, categories)", Required = true };
        var images = new Option<string>("--images") { Description = "Folder with the images' file_name files", Required = true };
        var command = new Command("labels", "Object detection: COCO mAP@0.5:0.95, AP50 and per-class AP (person, car, truck, bus, motorcycle, bicycle)")
        {
            coco, images, GlobalOptions.Json,
        };
        command.SetSyncAction((parse, ct) =>
        {
            var truth = CocoDataset.Load(parse.GetValue(coco)!);
            string dir = parse.GetValue(images)!;
            if (!Directory.Exists(dir))
                throw SightlineException.InvalidParameter($"--images {dir} is not a folder.");
            using var engine = new LabelEngine(LabelsCommands.EngineOptions(parse));
            var categoryByName = truth.Categories.ToDictionary(c => c.Value, c => c.Key, StringComparer.Ordinal);
            var decoder = new ImageDecoder();
            var detections = new List<CocoDetection>();
            double ms = 0;
            Cli.WithProgress("detecting", progress =>
            {
                for (int i = 0; i < truth.Images.Count; i++)
                {
                    var image = truth.Images[i];
                    using var decoded = decoder.DecodeFile(Path.Combine(dir, image.FileName));
                    long t = Stopwatch.GetTimestamp();
                    var found = engine.Detect(decoded, EvaluationMinScore, ct);
                    ms += Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    foreach (var d in found)
                    {
                        if (categoryByName.TryGetValue(engine.Detector.Classes[d.ClassId], out int category))
                            detections.Add(new CocoDetection(image.Id, category, d.Box.X1, d.Box.Y1, d.Box.Width, d.Box.Height, d.Score));
                    }
                    progress?.Report((i + 1, truth.Images.Count));
                }
                return 0;
            });
            var metrics = CocoEvaluation.Evaluate(truth, detections, ReportClasses);
            double perImage = truth.Images.Count == 0 ? 0 : ms / truth.Images.Count;
            Console.Error.WriteLine($"{engine.ModelVersion}: {perImage.ToString("F1", CultureInfo.InvariantCulture)} ms per image (detection, one thread)");
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(ToJson(metrics).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            var table = new Table().AddColumns("class", "AP@0.5:0.95", "AP50");
            table.AddRow("[bold]all (mAP)[/]", F(metrics.Map), F(metrics.Ap50));
            foreach (var (name, ap) in metrics.PerClass)
                table.AddRow(name, F(ap.Ap), F(ap.Ap50));
            AnsiConsole.MarkupLine($"{metrics.Images} images, detector {Markup.Escape(engine.ModelVersion)}");
            AnsiConsole.Write(table);
            var reliability = new Table().AddColumns("score from", "detections", "right at IoU 0.5");
            foreach (var (from, count, precision) in CocoEvaluation.Reliability(truth, detections))
                reliability.AddRow(F(from), $"{count}", F(precision));
            AnsiConsole.Write(reliability);
            return 0;
        });
        return command;
    }

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>Exactly {"images","map","ap50","perClass":{name:{"ap","ap50"}}}; a class without ground truth is null.</summary>
    public static JsonObject ToJson(CocoMetrics m)
    {
        var perClass = new JsonObject();
        foreach (var (name, ap) in m.PerClass)
            perClass[name] = double.IsNaN(ap.Ap) ? null : new JsonObject { ["ap"] = Math.Round(ap.Ap, 4), ["ap50"] = Math.Round(ap.Ap50, 4) };
        return new JsonObject
        {
            ["images"] = m.Images,
            ["map"] = Math.Round(m.Map, 4),
            ["ap50"] = Math.Round(m.Ap50, 4),
            ["perClass"] = perClass,
        };
    }
}
