using System.CommandLine;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Text;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline plates read</c>: licence plates in a photo.</summary>
internal static class PlatesCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build() => new("plates", "Licence plates: read them (and match hotlists)") { Read() };

    private static Command Read()
    {
        var image = new Argument<string>("IMAGE") { Description = "JPEG, PNG, WebP or BMP file" };
        var command = new Command("read", "Find and read the plates in a photo: text (A–Z, 0–9), confidence, box, region guess; hotlist hits raise alerts") { image, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            string path = parse.GetValue(image)!;
            using var decoded = new ImageDecoder().DecodeFile(path);
            using var core = CliCore.Open(GlobalOptions.Core(parse) with { Text = TextCommands.EngineOptions(parse), Labels = LabelsCommands.EngineOptions(parse) });
            var (reads, hits) = await core.Get<Alerts.PlateDesk>().ReadAsync(decoded.Bgr, Identification.Probe.Of(await File.ReadAllBytesAsync(path, ct)), ct);
            await DetectorsCommands.DeliverAlertsAsync(core, ct);
            var plates = reads.Select(p => PlateJson.From(p, decoded.Width, decoded.Height)).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { plates, hotlistHits = hits }, s_json));
                return 0;
            }
            foreach (var hit in hits)
                AnsiConsole.MarkupLine($"[red]hotlist {Markup.Escape(hit.List)}[/]: read {hit.ReadPlate} matches {hit.ListedPlate}{(hit.Distance == 0 ? "" : " (one confusable character)")} — {Markup.Escape(hit.Reason)}");
            var table = new Table().AddColumns("plate", "confidence", "box (left, top, width, height)", "region", "as printed");
            foreach (var p in plates)
                table.AddRow(p.Text, $"{p.Confidence:F1}", $"{p.BoundingBox.Left:F3}, {p.BoundingBox.Top:F3}, {p.BoundingBox.Width:F3}, {p.BoundingBox.Height:F3}", p.Region ?? "", Markup.Escape(p.RawText));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
