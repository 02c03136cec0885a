using System.CommandLine;
using System.Text.Json;
using Sightline.Evaluation;
using Sightline.Faces;
using Sightline.Imaging;
using Spectre.Console;

namespace Sightline.Cli.Commands;

internal static class EvalCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static readonly Option<string> s_root = new("--root") { Description = "Folder the CSV's paths are relative to (default: the CSV's folder)" };

    private static readonly Option<string> s_group = new("--group-column") { Description = "CSV column naming each row's group: figures are also given per group (fairness testing)" };

    public static Command Build() => new("eval", "Measure accuracy on labelled data") { Verify(), Identify(), Detect(), Redact(), Impostors(), Text(), Plates(), EvalLabelsCommand.Build() };

    private static Command Plates()
    {
        var plates = new Option<string>("--plates") { Description = "CSV file,plate_text[,region,x,y,w,h] (one labelled plate per row; box in pixels)", Required = true };
        var details = new Option<string>("--details") { Description = "Also write one CSV line per plate (file, truth, read, edit distance, confidence, raw text) to this file" };
        var command = new Command("plates", "Licence plates: found rate, exact reads and reads within one character") { plates, s_root, details, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            string csv = parse.GetValue(plates)!;
            string root = Cli.CsvRoot(csv, parse.GetValue(s_root));
            using var engine = new Sightline.Text.TextEngine(TextCommands.EngineOptions(parse));
            using var labels = new Objects.LabelEngine(LabelsCommands.EngineOptions(parse));
            using var writer = parse.GetValue(details) is { Length: > 0 } path ? new StreamWriter(path) : null;
            var result = Cli.WithProgress("reading plates", p => PlateEvaluation.Run(new Sightline.Text.PlateReader(engine, labels.Detector), Decoder(), csv, root, p, ct, writer));
            return Print(parse, "plates", csv, result, [
                ("plates", $"{result.Plates}"),
                ("found", Pct(result.Found)),
                ("read exactly", Pct(result.Exact)),
                ("read within one character", Pct(result.WithinOne)),
                ("ms per image", $"{result.MsPerImage:F0}"),
            ]);
        });
        return command;
    }

    private static Command Text()
    {
        var gt = new Option<string>("--gt") { Description = "CSV file,gt_file (or file,text; a png_copy column is preferred over file when set)", Required = true };
        var command = new Command("text", "DetectText: character and word error rates against ground-truth text") { gt, s_root, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            string csv = parse.GetValue(gt)!;
            string root = Cli.CsvRoot(csv, parse.GetValue(s_root));
            using var engine = new Sightline.Text.TextEngine(TextCommands.EngineOptions(parse));
            var result = Cli.WithProgress("reading", p => TextEvaluation.Run(engine, Decoder(), csv, root, p, ct));
            return Print(parse, "text", csv, result, [
                ("images", $"{result.Images}"),
                ("character error rate", Pct(result.Cer)),
                ("word error rate", Pct(result.Wer)),
                .. result.PerImage.Select(r => (r.File, $"CER {Pct(r.Cer)} ({r.Errors} of {r.Characters})")),
            ]);
        });
        return command;
    }

    private static Command Impostors()
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore, Description = "Group photos (files or folders): faces in one photo are different people" };
        var minFace = new Option<float>("--min-face") { Description = "Ignore faces smaller than this (px)", DefaultValueFactory = _ => 48 };
        var scores = new Option<string>("--scores") { Description = "Also write every pair's cosine and similarity to this CSV" };
        var command = new Command("impostors", "False-match rate on hard impostors: every pair of faces within each group photo") { images, minFace, scores, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            var files = parse.GetValue(images)!.SelectMany<string, string>(p => Directory.Exists(p)
                    ? Directory.EnumerateFiles(p).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Order()
                    : [p]).ToList();
            using var core = CliCore.Open(parse);
            var engine = core.Get<FaceEngine>();
            using var scoreFile = parse.GetValue(scores) is { Length: > 0 } scorePath ? new StreamWriter(scorePath) : null;
            var result = Cli.WithProgress("scoring faces", p => ImpostorEvaluation.Run(engine, Decoder(), files, parse.GetValue(minFace), p, ct, scoreFile));
            return Print(parse, "impostors", string.Join(' ', parse.GetValue(images)!), result, [
                ("images", $"{result.Images}"),
                ("faces", $"{result.Faces}"),
                ("impostor pairs", $"{result.Pairs}"),
                ("cosine mean / sd", $"{result.MeanCosine:F3} / {result.SdCosine:F3}"),
                ("highest similarity", $"{result.MaxSimilarity:F1}"),
                .. result.FalseMatches.Select(kv => ($"false matches at {kv.Key}", $"{kv.Value} ({Pct(result.FalseMatchRate[kv.Key])})")),
            ]);
        });
        return command;
    }

    private static ImageDecoder Decoder() => EvalPaths.Decoder();

    private static Command Verify()
    {
        var pairs = new Option<string>("--pairs") { Description = "CSV file1,file2,same", Required = true };
        var threshold = new Option<float>("--threshold") { Description = "Similarity threshold for 'accuracy'", DefaultValueFactory = _ => FaceComparer.DefaultThreshold };
        var scores = new Option<string>("--scores") { Description = "Also write every pair's cosine and calibrated similarity to this CSV" };
        var command = new Command("verify", "1:1 verification: accuracy, best accuracy, TAR at FAR 1e-2/1e-3, EER") { pairs, s_root, threshold, scores, s_group, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            string csv = parse.GetValue(pairs)!;
            string root = Cli.CsvRoot(csv, parse.GetValue(s_root));
            using var core = CliCore.Open(parse);
            var engine = core.Get<FaceEngine>();
            var comparer = core.Get<FaceComparer>();
            var cache = new EmbeddingCache(engine, Decoder());
            using var scoreFile = parse.GetValue(scores) is { Length: > 0 } scorePath ? new StreamWriter(scorePath) : null;
            var result = Cli.WithProgress("embedding faces", p => VerifyEvaluation.Run(comparer, cache, csv, root, parse.GetValue(threshold), p, ct, scoreFile, parse.GetValue(s_group)));
            return Print(parse, "verify", csv, result, [
                ("pairs scored", $"{result.Pairs} ({result.Genuine} same, {result.Impostor} different)"),
                ("pairs with no face found", $"{result.NoFace}"),
                ($"accuracy at threshold {result.Threshold:F0}", Pct(result.Accuracy)),
                ("  false match rate", $"{Pct(result.FalseMatchRate)} of {result.Impostor}"),
                ("  false non-match rate", $"{Pct(result.FalseNonMatchRate)} of {result.Genuine}"),
                ("best accuracy", $"{Pct(result.BestAccuracy)} at threshold {result.BestThreshold:F1}"),
                ("TAR at FAR 1e-2", Pct(result.TarAtFar1e2)),
                ("TAR at FAR 1e-3", Pct(result.TarAtFar1e3)),
                ("EER", Pct(result.Eer)),
                .. (result.Groups ?? new Dictionary<string, VerifyGroup>()).Select(g => ($"group {g.Key}",
                    $"{g.Value.Pairs} pairs; accuracy {Pct(g.Value.Accuracy)}; FMR {Pct(g.Value.FalseMatchRate)}; FNMR {Pct(g.Value.FalseNonMatchRate)}; EER {Pct(g.Value.Eer)}")),
            ]);
        });
        return command;
    }

    private static Command Identify()
    {
        var identities = new Option<string>("--identities") { Description = "CSV file,identity", Required = true };
        var command = new Command("identify", "1:N identification through a collection: first image of each identity indexed, the rest searched") { identities, s_root, s_group, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            string csv = parse.GetValue(identities)!;
            string root = Cli.CsvRoot(csv, parse.GetValue(s_root));
            using var core = CliCore.Open(parse);
            var engine = core.Get<FaceEngine>();
            var result = await Cli.WithProgressAsync("indexing and searching", p => IdentifyEvaluation.RunAsync(engine, Decoder(), core.Get<Storage.IScratchStoreFactory>(), csv, root, p, ct, parse.GetValue(s_group)));
            return Print(parse, "identify", csv, result, [
                ("identities enrolled", $"{result.Enrolled}"),
                ("probes", $"{result.Probes}"),
                ("images with no face found", $"{result.NoFace}"),
                ("rank-1", Pct(result.Rank1)),
                ("TPIR at FPIR 0.01", $"{Pct(result.TpirAtFpir1e2)} (threshold {result.ThresholdAtFpir1e2:F1})"),
                .. (result.Groups ?? new Dictionary<string, IdentifyGroup>()).Select(g => ($"group {g.Key}",
                    $"{g.Value.Probes} probes; rank-1 {Pct(g.Value.Rank1)}; TPIR {Pct(g.Value.TpirAtFpir1e2)}")),
            ]);
        });
        return command;
    }

    private static Command Detect()
    {
        var boxes = new Option<string>("--boxes") { Description = "CSV file,x,y,w,h (pixels, one row per labelled face)", Required = true };
        var iou = new Option<double>("--iou") { Description = "IoU needed for a match", DefaultValueFactory = _ => DetectEvaluation.DefaultIou };
        var command = new Command("detect", "Face detection: recall and precision against labelled boxes") { boxes, s_root, iou, GlobalOptions.Json };
        command.SetSyncAction((parse, ct) =>
        {
            string csv = parse.GetValue(boxes)!;
            string root = Cli.CsvRoot(csv, parse.GetValue(s_root));
            double threshold = parse.GetValue(iou);
            if (threshold is <= 0 or > 1)
                throw SightlineException.InvalidParameter($"--iou must be in (0, 1], got {threshold}.");
            using var core = CliCore.Open(parse);
            var engine = core.Get<FaceEngine>();
            var result = Cli.WithProgress("detecting", p => DetectEvaluation.Run(engine, Decoder(), csv, root, threshold, p, ct));
            return Print(parse, "detect", csv, result, [
                ("images", $"{result.Images}"),
                ("labelled faces", $"{result.Faces}"),
                ("detections", $"{result.Detections}"),
                ($"matched at IoU ≥ {result.IouThreshold}", $"{result.Matched}"),
                ("recall", Pct(result.Recall)),
                ("precision", Pct(result.Precision)),
            ]);
        });
        return command;
    }

    private static Command Redact()
    {
        var boxes = new Option<string>("--boxes") { Description = "CSV file,x,y,w,h (pixels, one row per labelled face), as for eval detect", Required = true };
        var hold = new Option<int>("--hold") { Description = "Frames each image is shown for (10 fps, drifting 4 px a frame)", DefaultValueFactory = _ => 10 };
        var command = new Command("redact", "Redaction recall: labelled faces a redaction plan leaves uncovered, frame by frame, on a video made of the labelled images")
        {
            boxes, s_root, hold, GlobalOptions.Json,
        };
        command.SetAction(async (parse, ct) =>
        {
            string csv = parse.GetValue(boxes)!;
            string root = Cli.CsvRoot(csv, parse.GetValue(s_root));
            using var core = CliCore.Open(parse);
            var work = Directory.CreateTempSubdirectory("sightline-eval-redact-");
            try
            {
                var result = await Cli.WithProgressAsync("planning the redaction of every frame", p => RedactionEvaluation.RunAsync(core.Get<StoredVideo.Redaction.VideoRedactor>(),
                    Decoder(), csv, root, parse.GetValue(hold), work.FullName, p, ct));
                return Print(parse, "redact", csv, result, [
                    ("images", $"{result.Images}"),
                    ("labelled faces", $"{result.Faces}"),
                    ("frames", $"{result.Frames}"),
                    ("labelled faces on frames", $"{result.Sightings}"),
                    ($"covered (≥ {RedactionEvaluation.CoveredShare:P0} of the box)", $"{result.Covered}"),
                    ("left", $"{result.Left}"),
                    ("recall", Pct(result.Recall)),
                    ("mean share covered", Pct(result.MeanCoverage)),
                    ("images with a face left", result.FilesWithFacesLeft.Count == 0 ? "none" : string.Join(", ", result.FilesWithFacesLeft)),
                ]);
            }
            finally
            {
                work.Delete(recursive: true);
            }
        });
        return command;
    }

    /// <summary>Prints the figures and keeps them as the last run of this kind (for 'sightline report accountability').</summary>
    private static int Print<T>(ParseResult parse, string kind, string dataset, T result, (string Name, string Value)[] rows)
    {
        EvaluationRecord.Save(GlobalOptions.DataDirectory(parse), kind, dataset, GlobalOptions.EngineOptions(parse), JsonSerializer.SerializeToElement(result, s_json));
        if (parse.GetValue(GlobalOptions.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(result, s_json));
            return 0;
        }
        var table = new Table().AddColumns("measure", "value");
        foreach (var (name, value) in rows)
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        AnsiConsole.Write(table);
        return 0;
    }

    private static string Pct(double v) => double.IsNaN(v) ? "n/a" : $"{v * 100:F2}%";
}
