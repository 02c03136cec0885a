using System.CommandLine;
using Sightline.Collections;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Identification;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>faces index|list|delete|search</c> against a collection.</summary>
internal static class CollectionFacesCommands
{
    private static readonly string[] s_extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp"];

    private static Argument<string> CollectionArg() => new("COLLECTION") { Description = "Collection id" };

    public static Command Index()
    {
        var collection = CollectionArg();
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore, Description = "Images or folders of images" };
        var external = new Option<string>("--external-id") { Description = "ExternalImageId for every image (default: the file name)" };
        var maxFaces = new Option<int?>("--max-faces") { Description = "MaxFaces per image (1-100, default 100)" };
        var quality = new Option<string>("--quality-filter") { Description = "NONE, AUTO (default), LOW, MEDIUM or HIGH" };
        var command = new Command("index", "IndexFaces: add the faces of each image to a collection (one JSON response per image with --json)")
        {
            collection, images, external, maxFaces, quality, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            var files = Expand(parse.GetValue(images)!);
            using var host = new CollectionHost(parse);
            var decoder = new ImageDecoder();
            bool json = parse.GetValue(GlobalOptions.Json);
            int indexed = 0, skipped = 0;
            await Cli.WithProgressAsync("indexing", async progress =>
            {
                for (int i = 0; i < files.Count; i++)
                {
                    var file = files[i];
                    using var image = decoder.DecodeFile(file);
                    var request = new IndexFacesRequest(parse.GetValue(collection)!,
                        parse.GetValue(external) ?? ExternalIdFor(file), parse.GetValue(maxFaces), parse.GetValue(quality));
                    var response = await host.Service.IndexFacesAsync(host.Audit, request, image, ct);
                    indexed += response.FaceRecords.Count;
                    skipped += response.UnindexedFaces.Count;
                    // One line per image, written only after the faces are durably stored: the line is the acknowledgement.
                    if (json)
                    {
                        Console.Out.WriteLine(RekognitionJson.Serialize(response, indented: false));
                        Console.Out.Flush();
                    }
                    progress?.Report((i + 1, files.Count));
                }
                return 0;
            });
            if (!json)
                Console.WriteLine($"indexed {indexed} face(s) from {files.Count} image(s); {skipped} face(s) not indexed");
            return 0;
        });
        return command;
    }

    public static Command List()
    {
        var collection = CollectionArg();
        var command = new Command("list", "ListFaces: every face in a collection") { collection, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            var faces = new List<Face>();
            string? token = null;
            do
            {
                var page = await host.Service.ListFacesAsync(parse.GetValue(collection)!, token, 4096, null, null, ct);
                faces.AddRange(page.Faces);
                token = page.NextToken;
            }
            while (token is not null);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(RekognitionJson.Serialize(new ListFacesResponse(faces, host.Service.FaceModelVersion)));
                return 0;
            }
            var table = new Table().AddColumns("FaceId", "ExternalImageId", "ImageId", "Confidence");
            foreach (var f in faces)
                table.AddRow(f.FaceId, Markup.Escape(f.ExternalImageId ?? ""), f.ImageId, $"{f.Confidence:F1}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command Delete()
    {
        var collection = CollectionArg();
        var ids = new Argument<string[]>("FACE_ID") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "DeleteFaces") { collection, ids, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            var response = await host.Service.DeleteFacesAsync(host.Audit, parse.GetValue(collection)!, parse.GetValue(ids)!, ct);
            Console.WriteLine(parse.GetValue(GlobalOptions.Json) ? RekognitionJson.Serialize(response) : $"deleted {response.DeletedFaces.Count} face(s)");
            return 0;
        });
        return command;
    }

    public static Command Search()
    {
        var collection = CollectionArg();
        var image = new Argument<string>("IMAGE") { Description = "Probe image (its largest face is searched; the image is not stored)" };
        var maxFaces = new Option<int?>("--max-faces") { Description = "MaxFaces (1-4096, default 80)" };
        var threshold = new Option<float?>("--threshold") { Description = "FaceMatchThreshold (0-100; default and minimum: the policy's identification floor, 99)" };
        var command = new Command("search", "SearchFacesByImage: leads for human review, never identifications") { collection, image, maxFaces, threshold, GlobalOptions.Case, GlobalOptions.Purpose, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            string path = parse.GetValue(image)!;
            using var probe = new ImageDecoder().DecodeFile(path);
            string collectionId = parse.GetValue(collection)!;
            var response = await host.IdentifyAsync(collectionId, parse.GetValue(GlobalOptions.Case), parse.GetValue(GlobalOptions.Purpose), parse.GetValue(threshold),
                Probe.Of(await File.ReadAllBytesAsync(path, ct)), t => host.Service.SearchFacesByImageAsync(collectionId, probe, parse.GetValue(maxFaces), t, ct), ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(RekognitionJson.Serialize(response));
                return 0;
            }
            AnsiConsole.MarkupLine($"{response.FaceMatches.Count} candidate(s). Each is a lead for a person to review, not an identification.");
            var table = new Table().AddColumns("similarity", "FaceId", "ExternalImageId");
            foreach (var m in response.FaceMatches)
                table.AddRow($"{m.Similarity:F1}", m.Face.FaceId, Markup.Escape(m.Face.ExternalImageId ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static List<string> Expand(string[] inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => s_extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal));
            else if (File.Exists(input))
                files.Add(input);
            else
                throw SightlineException.InvalidParameter($"'{input}' is neither an image file nor a folder.");
        }
        return files;
    }

    /// <summary>The file name, reduced to the characters ExternalImageId allows.</summary>
    private static string ExternalIdFor(string file)
    {
        var name = new string([.. Path.GetFileName(file).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or ':' ? c : '_')]);
        return name.Length > 255 ? name[..255] : name;
    }
}
