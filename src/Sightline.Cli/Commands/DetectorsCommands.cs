using System.CommandLine;
using System.Text.Json;
using Sightline.Alerts;
using Sightline.Detectors;
using Sightline.Imaging;
using Sightline.Detectors.Models;
using Sightline.Rekognition;
using Sightline.Storage;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline detectors register|list|remove|detect</c>: an agency's own ONNX object detectors under --data.</summary>
internal static class DetectorsCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("detectors", "Custom object detectors (YOLOv5, YOLOv8/v11, SSD ONNX models) under --data, called like DetectCustomLabels");
        command.Subcommands.Add(Register());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Detect());
        return command;
    }

    private static Command Register()
    {
        var id = new Argument<string>("ID") { Description = "Detector id (letters, digits, '.', '_', '-'; also the ProjectVersionArn to call it by)" };
        var model = new Option<string>("--model") { Description = "ONNX model file", Required = true };
        var labels = new Option<string>("--labels") { Description = "Labels file: one class name per line, in class order", Required = true };
        var layout = new Option<string>("--layout") { Description = "Output layout (default auto: read from the model)", DefaultValueFactory = _ => "auto" };
        layout.AcceptOnlyFromAmong([.. DetectorLayouts.Names]);
        var inputSize = new Option<int?>("--input-size") { Description = "Input size in pixels, for models whose input size is dynamic" };
        var register = new Command("register", "Check and register a detector (rejected with the reason when the model does not fit; audited)") { id, model, labels, layout, inputSize, GlobalOptions.Json };
        register.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var registry = core.Get<DetectorRegistry>();
            string modelPath = parse.GetValue(model)!, labelsPath = parse.GetValue(labels)!;
            if (!File.Exists(modelPath))
                throw SightlineException.InvalidParameter($"Model file {modelPath} does not exist.");
            if (!File.Exists(labelsPath))
                throw SightlineException.InvalidParameter($"Labels file {labelsPath} does not exist.");
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            DetectorRecord record;
            using (var stream = File.OpenRead(modelPath))
                record = await registry.RegisterAsync(entry, parse.GetValue(id), stream, await File.ReadAllTextAsync(labelsPath, ct), parse.GetValue(layout), parse.GetValue(inputSize), entry.Actor, ct);
            Console.WriteLine(parse.GetValue(GlobalOptions.Json) ? JsonSerializer.Serialize(record, s_json)
                : $"registered detector {record.Id}: {record.Layout}, input {record.InputWidth}x{record.InputHeight}, {record.Labels.Count} classes, sha256 {record.Sha256}");
            return 0;
        });
        return register;
    }

    private static Command List()
    {
        var list = new Command("list", "Registered detectors") { GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var detectors = await core.Get<IDetectorStore>().ListDetectorsAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(detectors, s_json));
                return 0;
            }
            var table = new Table().AddColumns("id", "layout", "input", "classes", "sha256", "registered");
            foreach (var d in detectors)
                table.AddRow(Markup.Escape(d.Id), d.Layout, $"{d.InputWidth}x{d.InputHeight}", d.Labels.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Sha256[..16], $"{d.CreatedAt:u}");
            AnsiConsole.Write(table);
            return 0;
        });
        return list;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("ID");
        var remove = new Command("remove", "Remove a detector and its model file (audited)") { id };
        remove.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var registry = core.Get<DetectorRegistry>();
            await registry.RemoveAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), parse.GetValue(id)!, ct);
            Console.WriteLine($"removed detector {parse.GetValue(id)}");
            return 0;
        });
        return remove;
    }

    private static Command Detect()
    {
        var id = new Argument<string>("ID");
        var image = new Argument<string>("IMAGE") { Description = "JPEG, PNG, WebP or BMP file" };
        var minConfidence = new Option<float?>("--min-confidence") { Description = $"Lowest confidence reported, 0–100 (default {DetectorRegistry.DefaultMinConfidence})" };
        var maxResults = new Option<int?>("--max-results") { Description = "Most instances reported" };
        var detect = new Command("detect", "DetectCustomLabels with a registered detector; alert rules that match are sent before the command ends") { id, image, minConfidence, maxResults, GlobalOptions.Json };
        detect.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var registry = core.Get<DetectorRegistry>();
            string path = parse.GetValue(image)!;
            using var decoded = new ImageDecoder().DecodeFile(path);
            string probe = Identification.Probe.Of(File.ReadAllBytes(path));
            var response = await registry.DetectAsync(await registry.ResolveIdAsync(parse.GetValue(id), ct), decoded, parse.GetValue(minConfidence), parse.GetValue(maxResults), probe, ct);
            await DeliverAlertsAsync(core, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(RekognitionJson.Serialize(response));
                return 0;
            }
            var table = new Table().AddColumns("label", "confidence", "box (left, top, width, height)");
            foreach (var l in response.CustomLabels)
            {
                var b = l.Geometry!.BoundingBox;
                table.AddRow(Markup.Escape(l.Name), $"{l.Confidence:F1}", $"{b.Left:F3}, {b.Top:F3}, {b.Width:F3}, {b.Height:F3}");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return detect;
    }

    /// <summary>The CLI has no background worker: alerts its detection raised are delivered (with retries) before it exits.</summary>
    internal static async Task DeliverAlertsAsync(CliCore core, CancellationToken ct)
    {
        var queue = core.Get<AlertQueue>();
        if (!queue.Reader.TryPeek(out _))
            return;
        var delivery = core.Get<WebhookDelivery>();
        while (queue.Reader.TryRead(out var alert))
        {
            await delivery.DeliverAsync(alert, ct);
            Console.Error.WriteLine($"alert {alert.Id} ({alert.Label} {alert.Confidence:F1}) for rule {alert.RuleId}");
        }
    }
}
