using System.CommandLine;
using System.Diagnostics;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Storage;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline bench index IMAGE...</c>: IndexFaces throughput (decode, analyse, durable SQLite write, index add)
/// against the engine alone on the same images (decode, analyse with embeddings), so storage's cost is visible.
/// </summary>
internal static class BenchIndexCommand
{
    public static Command Build()
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 5, Description = "Passes over the images; the median pass is reported" };
        var command = new Command("index", "IndexFaces throughput vs the face engine's detect+embed throughput") { images, rounds };
        command.SetGuardedAction(async (parse, ct) =>
        {
            var files = parse.GetValue(images)!;
            int r = parse.GetValue(rounds);
            if (r is < 1 or > 100) throw SightlineException.InvalidParameter($"--rounds must be between 1 and 100, got {r}.");
            string dir = Path.Combine(Path.GetTempPath(), "sightline-bench-" + Guid.NewGuid().ToString("N"));
            try
            {
                // A scratch data directory; with --database the collection goes to that database and is deleted after.
                using var core = CliCore.Open(BenchServerProcess.Options(parse, dir));
                var engine = core.Get<FaceEngine>();
                engine.Warm(new FaceRequest { Embeddings = true });
                var service = core.Get<CollectionService>();
                string collection = "bench-" + Guid.NewGuid().ToString("N")[..12];
                var audit = CollectionHost.LocalEntry("cli bench index");
                await service.CreateCollectionAsync(audit, collection, ct);
                var decoder = core.Get<ImageDecoder>();
                var engineTimes = new List<double>();
                var indexTimes = new List<double>();
                int faces = 0;
                for (int round = 0; round <= r; round++)
                {
                    var sw = Stopwatch.StartNew();
                    foreach (var f in files)
                    {
                        using var image = decoder.DecodeFile(f);
                        engine.Analyze(image, new FaceRequest { Embeddings = true }, ct);
                    }
                    double e = sw.Elapsed.TotalSeconds;
                    sw.Restart();
                    foreach (var f in files)
                    {
                        using var image = decoder.DecodeFile(f);
                        faces += (await service.IndexFacesAsync(audit, new IndexFacesRequest(collection, QualityFilter: "NONE"), image, ct)).FaceRecords.Count;
                    }
                    double i = sw.Elapsed.TotalSeconds;
                    if (round == 0) continue; // warm-up
                    engineTimes.Add(e);
                    indexTimes.Add(i);
                }
                engineTimes.Sort();
                indexTimes.Sort();
                double engineRate = files.Length / engineTimes[engineTimes.Count / 2];
                double indexRate = files.Length / indexTimes[indexTimes.Count / 2];
                AnsiConsole.MarkupLine($"{files.Length} image(s), {faces / (r + 1)} face(s) per pass, median of {r} passes");
                AnsiConsole.MarkupLine($"engine (decode + detect + embed): [bold]{engineRate:F2}[/] images/s");
                AnsiConsole.MarkupLine($"IndexFaces (same + durable write + index): [bold]{indexRate:F2}[/] images/s = [bold]{indexRate / engineRate:F3}x[/]");
                await service.DeleteCollectionAsync(audit, collection, ct);
                return 0;
            }
            finally
            {
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
            }
        });
        return command;
    }
}
