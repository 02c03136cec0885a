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
        var command = new Command("read", "Find and read the plates in a photo: text (A–Z, 0–9), confidence, box, region guess") { image, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            using var decoded = new ImageDecoder().DecodeFile(parse.GetValue(image)!);
            using var engine = new TextEngine(TextCommands.EngineOptions(parse));
            var plates = new PlateReader(engine).Read(decoded.Bgr, ct).Select(p => PlateJson.From(p, decoded.Width, decoded.Height)).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { plates }, s_json));
                return 0;
            }
            var table = new Table().AddColumns("plate", "confidence", "box (left, top, width, height)", "region", "as printed");
            foreach (var p in plates)
                table.AddRow(p.Text, $"{p.Confidence:F1}", $"{p.BoundingBox.Left:F3}, {p.BoundingBox.Top:F3}, {p.BoundingBox.Width:F3}, {p.BoundingBox.Height:F3}", p.Region ?? "", Markup.Escape(p.RawText));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
