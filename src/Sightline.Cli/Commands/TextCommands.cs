using System.CommandLine;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Text;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline text detect</c>: DetectText on a file.</summary>
internal static class TextCommands
{
    public static Command Build() => new("text", "Text in images (PP-OCR)") { Detect() };

    public static TextEngineOptions EngineOptions(ParseResult parse) => new() { ModelsDirectory = GlobalOptions.ModelsDirectory(parse) };

    private static readonly Option<int> s_maxSide = new("--max-side") { Description = "Longer side the text detector sees (default 960; larger finds smaller text, slower)", DefaultValueFactory = _ => 960 };

    private static Command Detect()
    {
        var image = new Argument<string>("IMAGE") { Description = "JPEG, PNG, WebP or BMP file" };
        var minConfidence = new Option<float>("--min-confidence") { Description = "WordFilter MinConfidence (0–100)", DefaultValueFactory = _ => 0 };
        var command = new Command("detect", $"DetectText: lines and words with boxes and polygons (at most {TextResponses.MaxWords} words)") { image, minConfidence, s_maxSide, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            float min = parse.GetValue(minConfidence);
            if (min is < 0 or > 100) throw SightlineException.InvalidParameter($"--min-confidence must be between 0 and 100, got {min}.");
            using var decoded = new ImageDecoder().DecodeFile(parse.GetValue(image)!);
            int side = parse.GetValue(s_maxSide);
            if (side is < 320 or > 4096) throw SightlineException.InvalidParameter($"--max-side must be between 320 and 4096, got {side}.");
            using var engine = new TextEngine(EngineOptions(parse) with { DetectorMaxSide = side });
            var lines = engine.Read(decoded, ct);
            var response = TextResponses.ToRekognition(lines, decoded.Width, decoded.Height, new TextFilters(min), engine.ModelVersion);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(RekognitionJson.Serialize(response));
                return 0;
            }
            var table = new Table().AddColumns("line", "confidence", "box (left, top, width, height)");
            foreach (var d in response.TextDetections.Where(d => d.Type == "LINE"))
            {
                var b = d.Geometry.BoundingBox;
                table.AddRow(Markup.Escape(d.DetectedText), $"{d.Confidence:F1}", $"{b.Left:F3}, {b.Top:F3}, {b.Width:F3}, {b.Height:F3}");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
