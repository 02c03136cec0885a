using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Sightline.StoredVideo;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline bench video</c>: each stored-video job kind on local files, against real time and against its models' own time.</summary>
internal static class BenchVideoCommand
{
    private static readonly string[] s_kinds = [VideoJobs.FaceDetection, VideoJobs.LabelDetection, VideoJobs.TextDetection, VideoJobs.SegmentDetection, VideoJobs.PersonTracking];

    public static Command Build()
    {
        var files = new Argument<string[]>("VIDEO") { Arity = ArgumentArity.OneOrMore, Description = "Video files (a 1080p and a 720p clip are the reference cases)" };
        var kinds = new Option<string[]>("--kinds") { Description = $"Job kinds to time (default all of {string.Join(", ", s_kinds)})", AllowMultipleArgumentsPerToken = true };
        var parallelism = new Option<int?>("--parallelism") { Description = "Frames looked at at once (default one per core)" };
        var command = new Command("video", "Seconds per stored-video job kind: as a ratio of the video's length (real time) and of the time ONNX Runtime spends in its models on the same frames (decoded beforehand, one at a time)")
        {
            files, kinds, parallelism, GlobalOptions.Json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(kinds) is { Length: > 0 } k ? k : s_kinds;
            foreach (string kind in chosen)
            {
                if (!s_kinds.Contains(kind))
                    throw SightlineException.InvalidParameter($"--kinds takes {string.Join(", ", s_kinds)}; got '{kind}'.");
            }
            int? workers = parse.GetValue(parallelism);
            if (workers is < 1 or > 64)
                throw SightlineException.InvalidParameter("--parallelism takes 1 to 64.");
            using var core = CliCore.Open(parse);
            var jobs = core.Get<VideoJobs>();
            var rows = new List<Row>();
            foreach (string file in parse.GetValue(files)!)
            {
                if (!File.Exists(file))
                    throw SightlineException.InvalidParameter($"No video file '{file}'.");
                foreach (string kind in chosen)
                {
                    // A first, untimed run loads the models and warms the caches.
                    var spec = new VideoJobSpec(kind, new VideoSource(null, file));
                    if (rows.All(r => r.Kind != kind))
                        await jobs.AnalyseAsync(spec, "bench", file, ct, parallelism: workers).ConfigureAwait(false);
                    var watch = Stopwatch.StartNew();
                    var (results, frames) = await jobs.AnalyseAsync(spec, "bench", file, ct, parallelism: workers).ConfigureAwait(false);
                    double seconds = watch.Elapsed.TotalSeconds, length = results.VideoMetadata.DurationMillis / 1000.0;
                    double models = await jobs.ModelSecondsAsync(spec, file, ct).ConfigureAwait(false);
                    rows.Add(new Row(Path.GetFileName(file), $"{results.VideoMetadata.FrameWidth}×{results.VideoMetadata.FrameHeight}", kind, length, frames,
                        Math.Round(seconds, 2), Math.Round(seconds / length, 3), Math.Round(models, 2), models > 0 ? Math.Round(seconds / models, 3) : null));
                }
            }
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
                return 0;
            }
            var table = new Table().AddColumns("video", "size", "job", "length s", "frames analysed", "job s", "× real time", "ONNX s (models alone)", "job ÷ ONNX");
            foreach (var r in rows)
                table.AddRow(r.Video, r.Size, r.Kind, $"{r.LengthSeconds:F1}", $"{r.Frames}", $"{r.Seconds:F2}", $"{r.RealTime:F3}", $"{r.ModelSeconds:F2}",
                    r.OverModels is { } o ? $"{o:F2}" : "no model");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private sealed record Row(string Video, string Size, string Kind, double LengthSeconds, int Frames, double Seconds, double RealTime, double ModelSeconds, double? OverModels);
}
