using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sightline.Access;
using Sightline.Benchmarks;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline bench cameras</c>: plays clips as live network streams on loopback (alternately MJPEG over HTTP and
/// RTSP), points N cameras of a real server at them, and measures per N: frames analysed and dropped per camera, CPU
/// and memory (RSS and PSS) of the server and its ffmpeg children per camera, and event latency (frame → server-sent event) p50/p95.
/// </summary>
internal static class BenchCamerasCommand
{
    public sealed record Row(int Cameras, double Seconds, double AnalysedFpsPerCamera, long Received, long Analysed, long Dropped, double DroppedPercent,
        double CpuPercent, double CpuPercentPerCamera, double BaseRssMb, double RssMb, double RssMbPerCamera, double BasePssMb, double PssMb, double PssMbPerCamera, int Events, int Messages, double LatencyP50Ms, double LatencyP95Ms);

    public static Command Build()
    {
        var videos = new Argument<string[]>("VIDEO") { Arity = ArgumentArity.OneOrMore, Description = "Clips to play (each camera takes the next, round robin)" };
        var cameras = new Option<string>("--cameras") { DefaultValueFactory = _ => "1,2,4", Description = "Camera counts to measure, comma-separated (each at most 16)" };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 60, Description = "Measured seconds per count, after every camera streams" };
        var fps = new Option<double>("--fps") { DefaultValueFactory = _ => 5, Description = "Detect rate of each camera" };
        var size = new Option<string>("--size") { DefaultValueFactory = _ => "1280x720", Description = "Size the clips are played at (and detected at)" };
        var command = new Command("cameras", "Live cameras on loopback streams (MJPEG and RTSP): frames analysed and dropped, CPU and RSS per camera, event latency")
        {
            videos, cameras, seconds, fps, size, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            var counts = parse.GetValue(cameras)!.Split(',').Select(c => int.TryParse(c.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 16 ? n
                : throw SightlineException.InvalidParameter($"--cameras takes counts from 1 to 16, comma-separated; got '{c}'.")).ToList();
            int length = parse.GetValue(seconds);
            if (length is < 5 or > 3600)
                throw SightlineException.InvalidParameter($"--seconds must be from 5 to 3600, got {length}.");
            var (w, h) = Live.CameraDefinitions.ParseSize(parse.GetValue(size)!);
            var clips = parse.GetValue(videos)!;
            foreach (var clip in clips.Where(c => !File.Exists(c)))
                throw SightlineException.InvalidParameter($"The video {clip} does not exist.");
            string work = Directory.CreateTempSubdirectory("sightline-bench-cameras-").FullName;
            try
            {
                var prepared = new List<string>();
                foreach (var clip in clips)
                    prepared.Add(await PrepareAsync(clip, work, w, h, ct));
                var rows = new List<Row>();
                foreach (int n in counts)
                    rows.Add(await MeasureAsync(parse, prepared, n, length, parse.GetValue(fps), work, ct));
                Print(rows, parse.GetValue(GlobalOptions.Json));
                return 0;
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        });
        return command;
    }

    /// <summary>The clip as a camera would send it: H.264 at the bench size, 10 fps, a keyframe every second, no audio.</summary>
    private static async Task<string> PrepareAsync(string clip, string work, int width, int height, CancellationToken ct)
    {
        string path = Path.Combine(work, $"{Path.GetFileNameWithoutExtension(clip)}-{width}x{height}.mp4");
        var psi = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-y", "-i", clip, "-an", "-vf", $"scale={width}:{height},fps=10", "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p", path })
            psi.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(psi)!;
        string errors = await ffmpeg.StandardError.ReadToEndAsync(ct);
        await ffmpeg.WaitForExitAsync(ct);
        return ffmpeg.ExitCode == 0 ? path : throw SightlineException.InvalidParameter($"{clip} could not be prepared: {errors.Split('\n')[0]}");
    }

    private static async Task<Row> MeasureAsync(ParseResult parse, List<string> clips, int n, int seconds, double fps, string work, CancellationToken ct)
    {
        string data = Path.Combine(work, $"data-{n}");
        var key = await BenchServerProcess.KeyAsync(parse, data, Roles.Admin, "bench cameras", ct);
        int port = ServerLoad.FreePort();
        using var server = BenchServerProcess.Start(parse, data, port, [], Path.Combine(work, $"server-{n}.log"));
        var sources = new List<LoopbackStream>();
        try
        {
            var address = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            await ServerLoad.WaitReadyAsync(http, address, server, ct);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{key.AccessKeyId}:{key.SecretAccessKey}");
            // The server alone, models loaded: what the cameras add is measured above this.
            var alone = ProcessTree.Measure(server.Id);
            for (int i = 0; i < n; i++)
            {
                string clip = clips[i % clips.Count];
                sources.Add(i % 2 == 0 ? await LoopbackStream.MjpegAsync(clip, ct) : await LoopbackStream.RtspAsync(clip, Path.Combine(work, "rtsp"), 40, ct));
            }
            await using var events = new EventStreamReader(address, $"{key.AccessKeyId}:{key.SecretAccessKey}");
            await events.Opened.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            for (int i = 0; i < n; i++)
            {
                using var added = await http.PostAsJsonAsync(new Uri(address, "v1/cameras"), new { name = Name(n, i), url = sources[i].Url, fps, labels = new[] { "person", "car" } }, ct);
                if (!added.IsSuccessStatusCode)
                    throw new SightlineException(ErrorKind.Internal, $"The server refused camera {i + 1}: {await added.Content.ReadAsStringAsync(ct)}");
            }
            var clock = Stopwatch.StartNew();
            while ((await CamerasAsync(http, address, n, ct)).Count(c => c.GetProperty("state").GetString() == "streaming") < n)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                    throw new SightlineException(ErrorKind.Internal, $"Not every camera was streaming after 60 s (of {n}).");
                await Task.Delay(250, ct);
            }
            await Task.Delay(TimeSpan.FromSeconds(3), ct); // past the first second's burst
            var before = await CamerasAsync(http, address, n, ct);
            double cpu0 = ProcessTree.Measure(server.Id).CpuSeconds;
            int messages0 = events.Messages.Count;
            var rss = new List<double>();
            var pss = new List<double>();
            var measured = Stopwatch.StartNew();
            while (measured.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                var sample = ProcessTree.Measure(server.Id);
                rss.Add(sample.RssMb);
                pss.Add(sample.PssMb);
            }
            double elapsed = measured.Elapsed.TotalSeconds;
            double cpu1 = ProcessTree.Measure(server.Id).CpuSeconds;
            var after = await CamerasAsync(http, address, n, ct);
            long Sum(List<JsonElement> list, string field) => list.Sum(c => c.GetProperty(field).GetInt64());
            long received = Sum(after, "framesReceived") - Sum(before, "framesReceived");
            long analysed = Sum(after, "framesAnalysed") - Sum(before, "framesAnalysed");
            long dropped = Sum(after, "framesDropped") - Sum(before, "framesDropped");
            var latencies = events.Messages.Skip(messages0).Select(m => (m.At - m.Data.GetProperty("frameTime").GetDateTimeOffset()).TotalMilliseconds).Order().ToList();
            int newEvents = events.Messages.Skip(messages0).Count(m => m.Type == "new");
            double cpuPercent = (cpu1 - cpu0) / elapsed * 100;
            double rssMedian = ServerLoad.Median(rss), pssMedian = ServerLoad.Median(pss);
            return new Row(n, Math.Round(elapsed, 1), Math.Round(analysed / elapsed / n, 2), received, analysed, dropped,
                Math.Round(received == 0 ? 0 : 100.0 * dropped / received, 2), Math.Round(cpuPercent, 1), Math.Round(cpuPercent / n, 1), Math.Round(alone.RssMb), Math.Round(rssMedian),
                Math.Round((rssMedian - alone.RssMb) / n), Math.Round(alone.PssMb), Math.Round(pssMedian), Math.Round((pssMedian - alone.PssMb) / n), newEvents, latencies.Count, Math.Round(ServerLoad.Percentile(latencies, 0.5)), Math.Round(ServerLoad.Percentile(latencies, 0.95)));
        }
        finally
        {
            // On a shared database the bench's cameras must not outlive it (another server would start watching them).
            using (var cleanup = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                cleanup.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{key.AccessKeyId}:{key.SecretAccessKey}");
                for (int i = 0; i < n && !server.HasExited; i++)
                {
                    try
                    {
                        using var _ = await cleanup.DeleteAsync(new Uri($"http://127.0.0.1:{port}/v1/cameras/{Name(n, i)}"), CancellationToken.None);
                    }
                    catch (HttpRequestException)
                    {
                        // the server is going anyway
                    }
                    catch (TaskCanceledException)
                    {
                    }
                }
            }
            foreach (var s in sources)
                await s.DisposeAsync();
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static string Name(int count, int index) => string.Create(CultureInfo.InvariantCulture, $"bench-{count}-{index + 1}");

    /// <summary>This count's cameras (a shared database may hold others).</summary>
    private static async Task<List<JsonElement>> CamerasAsync(HttpClient http, Uri address, int n, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(address, "v1/cameras"), ct));
        string prefix = Name(n, 0)[..^1];
        return [.. doc.RootElement.GetProperty("cameras").EnumerateArray().Where(c => c.GetProperty("name").GetString()!.StartsWith(prefix, StringComparison.Ordinal)).Select(c => c.Clone())];
    }

    private static void Print(List<Row> rows, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { rows }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
            return;
        }
        Console.WriteLine("cameras\tanalysed fps/cam\tdropped\tCPU %\tCPU %/cam\tRSS MB (server alone)\tRSS MB added/cam\tPSS MB (server alone)\tPSS MB added/cam\tevents\tmessages\tlatency p50 ms\tp95 ms");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Cameras}\t{r.AnalysedFpsPerCamera}\t{r.Dropped} of {r.Received} ({r.DroppedPercent}%)\t{r.CpuPercent}\t{r.CpuPercentPerCamera}\t{r.RssMb} ({r.BaseRssMb})\t{r.RssMbPerCamera}\t{r.PssMb} ({r.BasePssMb})\t{r.PssMbPerCamera}\t{r.Events}\t{r.Messages}\t{r.LatencyP50Ms}\t{r.LatencyP95Ms}"));
        }
    }
}
