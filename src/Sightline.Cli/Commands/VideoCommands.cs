using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Storage;
using Sightline.StoredVideo.Redaction;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline video redact</c>: faces, plates and chosen areas covered on every frame of a video for release.</summary>
internal static class VideoCommands
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Build() => new("video", "Stored video files: redaction for release, plates against the hotlists") { Redact(), Check(), Plates() };

    private static Command Plates()
    {
        var input = new Argument<string>("VIDEO") { Description = "A video file (only read)" };
        var labels = new Option<string[]>("--labels") { Description = "Vehicle or plate labels to read (default car, motorcycle, bus, truck; or a registered detector's vehicle / license_plate)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("plates", "Read each vehicle's plate in a video once and check it against the hotlists: prints the hits (reads that hit nothing are not kept, only counted)")
        {
            input, labels, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            string path = Path.GetFullPath(parse.GetValue(input)!);
            if (!File.Exists(path))
                throw SightlineException.InvalidParameter($"No video file '{path}'.");
            using var core = CliCore.Open(parse);
            var jobs = core.Get<StoredVideo.VideoJobs>();
            var spec = new StoredVideo.VideoJobSpec(StoredVideo.VideoJobs.PlateReading, new StoredVideo.VideoSource(null, path))
            {
                PlateLabels = parse.GetValue(labels) is { Length: > 0 } l ? l : null,
            };
            if (spec.PlateLabels is { } chosen && chosen.Any(x => !Live.Plates.LivePlates.Reads(x)))
                throw SightlineException.InvalidParameter($"--labels takes {string.Join(", ", Live.Plates.LivePlates.Labels)}.");
            var (results, _) = await Cli.WithProgressAsync("Reading plates", p => jobs.AnalyseAsync(spec, "file:" + Path.GetFileName(path), path, ct, p));
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { vehiclesRead = results.VehiclesRead, hits = results.PlateHits }, s_json));
                return 0;
            }
            var table = new Table().AddColumns("time", "vehicle", "plate read", "list", "listed plate", "reason");
            foreach (var h in results.PlateHits ?? [])
                table.AddRow($"{h.Timestamp / 1000.0:F1} s", $"{h.Index}", Markup.Escape(h.Plate), Markup.Escape(h.List), Markup.Escape(h.ListedPlate), Markup.Escape(h.Reason));
            AnsiConsole.Write(table);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results.VehiclesRead} vehicles read, {results.PlateHits?.Count ?? 0} hotlist hits (leads for a person to check)"));
            return 0;
        });
        return command;
    }

    private static Command Check()
    {
        var input = new Argument<string>("VIDEO") { Description = "Any video: a release made here or elsewhere" };
        var command = new Command("check", "Run the face detector on every frame of a video and count the faces it finds (a release should have none)") { input, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var check = await Cli.WithProgressAsync("Checking every frame", p => core.Get<VideoRedactor>().CheckAsync(Path.GetFullPath(parse.GetValue(input)!), null, p, ct));
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(check, s_json));
                return 0;
            }
            string where = check.FramesWithFacesNotKept.Count > 0 ? ", first on frames " + string.Join(", ", check.FramesWithFacesNotKept.Take(20)) : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{check.FacesFound} faces on {check.Frames} frames{where}"));
            return 0;
        });
        return command;
    }

    private static Command Redact()
    {
        var input = new Argument<string>("IN") { Description = "The video to redact (only read: the output is a new file)" };
        var output = new Option<string>("--out") { Description = "The redacted H.264 MP4 to write; its log is written beside it as OUT.redaction.json" };
        var faces = new Option<bool>("--faces") { Description = "Cover faces (the default when neither --plates nor --region is given)" };
        var plates = new Option<bool>("--plates") { Description = "Cover licence plates" };
        var keep = new Option<int[]>("--keep-person") { Description = "Leave these face tracks visible (indexes from --plan-only)", AllowMultipleArgumentsPerToken = true };
        var regions = new Option<string[]>("--region") { Description = "Also cover x,y,w,h@from-to (fractions of the frame 0–1, seconds; @from-to optional), e.g. 0.7,0.05,0.25,0.2@0-12", AllowMultipleArgumentsPerToken = true };
        var noAudio = new Option<bool>("--no-audio") { Description = "Remove the sound (kept as AAC otherwise)" };
        var blur = new Option<bool>("--blur") { Description = "Blur instead of pixelating" };
        var verify = new Option<bool>("--verify") { Description = "Run the face detector on every frame of the output before releasing it, and record what it finds in the log" };
        var minFace = new Option<int>("--min-face") { Description = "Smallest face to look for, in pixels of the frame (default 20; larger is faster, smaller finds more)", DefaultValueFactory = _ => 20 };
        var previews = new Option<string>("--previews") { Description = "Also write DIR/track-INDEX.jpg: for each track, the frame in its middle with every planned box drawn and numbered (red covered, green kept)" };
        var planOnly = new Option<bool>("--plan-only") { Description = "Only plan: list the tracks (index, kind, frames) to choose --keep-person from; writes nothing" };
        var command = new Command("redact", "Redact a video for release: detect on every frame, follow each face (and plate) through the video, cover it leak-proof, "
            + "encode H.264 MP4 with the same size, rate and frame count; the source's and output's SHA-256 are recorded in the audit chain")
        {
            input, output, faces, plates, keep, regions, noAudio, blur, minFace, verify, planOnly, previews, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            string source = Path.GetFullPath(parse.GetValue(input)!);
            bool only = parse.GetValue(planOnly);
            string? target = parse.GetValue(output) is { Length: > 0 } o ? Path.GetFullPath(o) : null;
            if (target is null && !only)
                throw SightlineException.InvalidParameter("--out is required (or --plan-only to list the tracks).");
            if (target is not null)
                VideoRedactor.CheckOutput(source, target);
            var chosen = parse.GetValue(regions) ?? [];
            bool wantPlates = parse.GetValue(plates);
            var options = new RedactionOptions
            {
                Faces = parse.GetValue(faces) || (!wantPlates && chosen.Length == 0),
                Plates = wantPlates,
                Regions = [.. chosen.Select(ManualRegion.Parse)],
                KeepPersons = parse.GetValue(keep) ?? [],
                Audio = !parse.GetValue(noAudio),
                Style = parse.GetValue(blur) ? CoverStyle.Blur : CoverStyle.Pixelate,
                MinFaceSize = parse.GetValue(minFace),
            }.Validated();
            bool json = parse.GetValue(GlobalOptions.Json);
            using var core = CliCore.Open(GlobalOptions.Core(parse) with { Text = TextCommands.EngineOptions(parse), Labels = LabelsCommands.EngineOptions(parse) });
            var redactor = core.Get<VideoRedactor>();
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var plan = await Cli.WithProgressAsync("Planning (every frame)", p => redactor.PlanAsync(source, options, p, ct));
            var planned = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            plan.CheckKept(options.KeepPersons);
            if (parse.GetValue(previews) is { Length: > 0 } previewDirectory)
                await WritePreviewsAsync(redactor, source, plan, options.KeepPersons, Path.GetFullPath(previewDirectory), ct);
            if (only)
            {
                var summary = PlanSummary.Of(plan, options.KeepPersons.ToHashSet());
                if (json)
                    Console.WriteLine(JsonSerializer.Serialize(summary, s_json));
                else
                    PrintPlan(summary);
                return 0;
            }
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            bool check = parse.GetValue(verify);
            started = System.Diagnostics.Stopwatch.GetTimestamp();
            var log = await Cli.WithProgressAsync(check ? "Rendering, then verifying" : "Rendering", p => redactor.ExportAsync(source, Path.GetFileName(source), plan,
                ExportChoices.Of(options, check), target!, entry, core.Get<IAuditStore>(), p, ct));
            var rendered = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(log, s_json));
                return 0;
            }
            int covered = log.Tracks.Sum(t => t.CoveredFrames);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{target}: {log.Output.Frames} frames {log.Output.Width}x{log.Output.Height} at {log.Output.FrameRate} fps, {log.Tracks.Count(t => !t.Kept)} tracks covered ({covered} boxes), {log.Tracks.Count(t => t.Kept)} kept, sound {(log.Output.Audio ?? "none")}")));
            AnsiConsole.MarkupLine(Markup.Escape($"source sha256 {log.Source.Sha256}, output sha256 {log.Output.Sha256}; log {RedactionLog.PathFor(target!)} (recorded in the audit chain)"));
            double seconds = plan.Source.DurationMillis / 1000.0;
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"planned in {planned.TotalSeconds:F1} s, rendered{(check ? " and verified" : "")} in {rendered.TotalSeconds:F1} s: {(planned + rendered).TotalSeconds / seconds:F2}× the video's {seconds:F1} s")));
            if (log.Verification is { } v)
            {
                string where = v.FramesWithFacesNotKept.Count > 0 ? ", on frames " + string.Join(", ", v.FramesWithFacesNotKept.Take(20)) : "";
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"verified: the face detector finds {v.FacesNotKept} faces outside kept persons on the {v.Frames} output frames ({v.FacesFound} in all){where}")));
            }
            return 0;
        });
        return command;
    }

    /// <summary>One JPEG per track, at the track's middle frame, so a person can tell who each index is.</summary>
    private static async Task WritePreviewsAsync(VideoRedactor redactor, string source, RedactionPlan plan, IReadOnlyList<int> keep, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        foreach (var track in plan.Tracks)
        {
            double seconds = (track.FirstFrame + track.LastFrame) / 2 / plan.Source.Fps;
            byte[] jpeg = await redactor.PreviewAsync(source, plan, seconds, keep, ct);
            await File.WriteAllBytesAsync(Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"track-{track.Index}.jpg")), jpeg, ct);
        }
    }

    private static void PrintPlan(PlanSummary plan)
    {
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{plan.Tracks.Count} tracks in {plan.Frames} frames ({plan.Width}x{plan.Height} at {plan.FrameRate} fps, {plan.DurationSeconds:F1} s)")));
        var table = new Table().AddColumns("index", "kind", "frames", "seconds", "detected on", "covered", "box at start (left, top, width, height)", "");
        foreach (var t in plan.Tracks)
        {
            table.AddRow(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{t.Index}")), t.Kind.ToString().ToLowerInvariant(),
                string.Create(CultureInfo.InvariantCulture, $"{t.FirstFrame}–{t.LastFrame}"), string.Create(CultureInfo.InvariantCulture, $"{t.FirstSeconds:F2}–{t.LastSeconds:F2}"),
                string.Create(CultureInfo.InvariantCulture, $"{t.DetectedFrames}"), string.Create(CultureInfo.InvariantCulture, $"{t.CoveredFrames}"),
                string.Create(CultureInfo.InvariantCulture, $"{t.Box.Left:F3}, {t.Box.Top:F3}, {t.Box.Width:F3}, {t.Box.Height:F3}"), t.Kept ? "kept" : "");
        }
        AnsiConsole.Write(table);
    }
}
