using System.CommandLine;
using Sightline.Imaging;
using Sightline.Objects;
using Sightline.Rekognition;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline labels detect</c>: DetectLabels on a file.</summary>
internal static class LabelsCommands
{
    public static Command Build() => new("labels", "Objects and scene labels (COCO-80 detectors)") { Detect() };

    /// <summary>The label engine; the recursive --detector option names an object detector here.</summary>
    public static LabelEngineOptions EngineOptions(ParseResult parse)
    {
        var options = new LabelEngineOptions { ModelsDirectory = GlobalOptions.ModelsDirectory(parse) };
        return parse.GetValue(GlobalOptions.Detector) is { Length: > 0 } detector ? options with { Detector = detector } : options;
    }

    private static Command Detect()
    {
        var image = new Argument<string>("IMAGE") { Description = "JPEG, PNG, WebP or BMP file" };
        var minConfidence = new Option<float>("--min-confidence") { Description = "MinConfidence (0–100)", DefaultValueFactory = _ => LabelQuery.DefaultMinConfidence };
        var maxLabels = new Option<int?>("--max-labels") { Description = "MaxLabels: at most this many labels, best first" };
        var command = new Command("detect", "DetectLabels: labels with instance boxes, parents, aliases and categories; alert rules that match are sent before the command ends") { image, minConfidence, maxLabels, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            var query = new LabelQuery { MinConfidence = parse.GetValue(minConfidence), MaxLabels = parse.GetValue(maxLabels) }.Validate();
            string path = parse.GetValue(image)!;
            using var decoded = new ImageDecoder().DecodeFile(path);
            using var core = CliCore.Open(GlobalOptions.Core(parse) with { Labels = EngineOptions(parse) });
            var response = await core.Get<Alerts.LabelDesk>().DetectLabelsAsync(decoded, query, Identification.Probe.Of(await File.ReadAllBytesAsync(path, ct)), ct);
            await DetectorsCommands.DeliverAlertsAsync(core, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(RekognitionJson.Serialize(response));
                return 0;
            }
            var table = new Table().AddColumns("label", "confidence", "instances", "parents", "categories");
            foreach (var l in response.Labels)
            {
                table.AddRow(Markup.Escape(l.Name), $"{l.Confidence:F1}", $"{l.Instances.Count}",
                    Markup.Escape(string.Join(", ", l.Parents.Select(p => p.Name))), Markup.Escape(string.Join(", ", l.Categories.Select(c => c.Name))));
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"model {response.LabelModelVersion}");
            return 0;
        });
        return command;
    }
}
