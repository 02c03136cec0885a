using System.CommandLine;
using System.Globalization;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;
using Spectre.Console;

namespace Sightline.Cli.Commands;

internal static class FacesCommands
{
    public static Command Build() => new("faces", "Face detection, comparison, and faces in collections")
    {
        Detect(), Compare(), CollectionFacesCommands.Index(), CollectionFacesCommands.List(), CollectionFacesCommands.Delete(), CollectionFacesCommands.Search(),
    };

    private static Command Detect()
    {
        var image = new Argument<string>("IMAGE") { Description = "JPEG, PNG, WebP or BMP file" };
        var attributes = new Option<string>("--attributes") { Description = "default or all (Rekognition's Attributes)", DefaultValueFactory = _ => "default" };
        attributes.AcceptOnlyFromAmong("default", "all", "DEFAULT", "ALL");
        var annotate = new Option<string>("--annotate") { Description = "Also write a copy of the image with boxes and landmarks drawn (PNG/JPEG path)" };
        var command = new Command("detect", "DetectFaces: find faces with landmarks, pose, quality and (with --attributes all) estimated attributes")
        {
            image, attributes, annotate, GlobalOptions.Json,
        };
        command.SetSyncAction((parse, ct) =>
        {
            var decoder = new ImageDecoder();
            using var decoded = decoder.DecodeFile(parse.GetValue(image)!);
            using var core = CliCore.Open(parse);
            var engine = core.Get<FaceEngine>();
            bool all = string.Equals(parse.GetValue(attributes), "all", StringComparison.OrdinalIgnoreCase);
            var faces = engine.Analyze(decoded, new FaceRequest { AllAttributes = all }, ct);
            var response = new DetectFacesResponse([.. faces.Select(f => RekognitionMapper.ToFaceDetail(f, decoded.Width, decoded.Height))]);
            if (parse.GetValue(annotate) is { Length: > 0 } annotated)
                Annotation.Write(decoded, faces, annotated);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(RekognitionJson.Serialize(response));
                return 0;
            }
            var table = new Table().AddColumns("#", "box (px)", "confidence", "yaw/pitch/roll", "brightness", "sharpness");
            if (all)
                table.AddColumns("age", "gender", "eyes open", "mouth open", "smile", "emotion");
            int n = 0;
            foreach (var (face, detail) in faces.Zip(response.FaceDetails))
            {
                var row = new List<string>
                {
                    (++n).ToString(CultureInfo.InvariantCulture),
                    $"{face.Box.X1:F0},{face.Box.Y1:F0} {face.Box.Width:F0}x{face.Box.Height:F0}",
                    $"{detail.Confidence:F1}",
                    $"{detail.Pose.Yaw:F0}/{detail.Pose.Pitch:F0}/{detail.Pose.Roll:F0}",
                    $"{detail.Quality.Brightness:F0}",
                    $"{detail.Quality.Sharpness:F0}",
                };
                if (all)
                {
                    row.Add($"{detail.AgeRange!.Low}-{detail.AgeRange.High}");
                    row.Add($"{detail.Gender!.Value} {detail.Gender.Confidence:F0}%");
                    row.Add(YesNo(detail.EyesOpen!));
                    row.Add(YesNo(detail.MouthOpen!));
                    row.Add(YesNo(detail.Smile!));
                    row.Add($"{detail.Emotions![0].Type} {detail.Emotions[0].Confidence:F0}%");
                }
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }
            AnsiConsole.MarkupLine($"[bold]{faces.Count}[/] face(s) in {Markup.Escape(parse.GetValue(image)!)} ({decoded.Width}x{decoded.Height})");
            if (faces.Count > 0)
                AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static string YesNo(BoolAttribute a) => $"{(a.Value ? "yes" : "no")} {a.Confidence:F0}%";

    private static Command Compare()
    {
        var source = new Argument<string>("SOURCE") { Description = "Image whose largest face is compared" };
        var target = new Argument<string>("TARGET") { Description = "Image whose faces (up to 100) are compared against it" };
        var threshold = new Option<float>("--threshold") { Description = "SimilarityThreshold, 0-100", DefaultValueFactory = _ => FaceComparer.DefaultThreshold };
        var command = new Command("compare", "CompareFaces: calibrated similarity of the source face to every target face")
        {
            source, target, threshold, GlobalOptions.Json,
        };
        command.SetSyncAction((parse, ct) =>
        {
            float t = parse.GetValue(threshold);
            if (float.IsNaN(t) || t is < 0 or > 100)
                throw SightlineException.InvalidParameter($"--threshold must be between 0 and 100, got {t}.");
            var decoder = new ImageDecoder();
            using var src = decoder.DecodeFile(parse.GetValue(source)!);
            using var tgt = decoder.DecodeFile(parse.GetValue(target)!);
            using var core = CliCore.Open(parse);
            var engine = core.Get<FaceEngine>();
            var response = core.Get<FaceComparer>().Compare(src, tgt, t, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(RekognitionJson.Serialize(response));
                return 0;
            }
            AnsiConsole.MarkupLine($"{response.FaceMatches.Count} match(es) at similarity ≥ {t:F0}; {response.UnmatchedFaces.Count} unmatched face(s). A match is a lead for human review, not an identification.");
            var table = new Table().AddColumns("result", "similarity", "box (ratio L,T W×H)", "confidence");
            foreach (var m in response.FaceMatches)
                table.AddRow("match", $"{m.Similarity:F1}", BoxText(m.Face.BoundingBox), $"{m.Face.Confidence:F1}");
            foreach (var u in response.UnmatchedFaces)
                table.AddRow("unmatched", "", BoxText(u.BoundingBox), $"{u.Confidence:F1}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static string BoxText(BoundingBox b) => $"{b.Left:F3},{b.Top:F3} {b.Width:F3}x{b.Height:F3}";
}
