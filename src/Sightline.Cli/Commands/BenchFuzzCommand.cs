using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Access;
using Sightline.Benchmarks;
using Sightline.Fuzzing;
using Sightline.Models;
using Sightline.Storage;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline bench fuzz</c>: starts a real server on loopback with a fresh data directory, gives it collections,
/// faces, users, a bucket of objects that are not videos and jobs on them, then sends seeded hostile requests to both
/// APIs and counts the answers. Exit 1 when any answer is a 5xx other than 503, any request took longer than the
/// limit or got no answer, a video job never finished, the server died, or its RSS passed the bound.
/// </summary>
internal static class BenchFuzzCommand
{
    public static Command Build()
    {
        var requests = new Option<long>("--requests") { DefaultValueFactory = _ => 3000, Description = "Requests to send" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed: the same seed sends the same requests" };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 4, Description = "Clients sending at once" };
        var limit = new Option<int>("--request-limit") { DefaultValueFactory = _ => 30, Description = "Seconds a request may take" };
        var rss = new Option<int>("--max-rss-mb") { DefaultValueFactory = _ => 4096, Description = "Bound on the server's resident memory" };
        var from = new Option<long>("--from") { DefaultValueFactory = _ => 0, Description = "First case index (to replay a failure: --from INDEX --requests 1)" };
        var show = new Option<bool>("--show") { Description = "Print each request's API, operation, mutation and answer status (with --requests of a few)" };
        var command = new Command("fuzz", "Hostile-input campaign against a real server on loopback: both APIs, seeded, counted by status")
        {
            requests, seed, clients, limit, rss, from, show, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            long n = parse.GetValue(requests), first = parse.GetValue(from);
            int c = parse.GetValue(clients), l = parse.GetValue(limit), r = parse.GetValue(rss);
            if (n is < 1 or > 10_000_000) throw SightlineException.InvalidParameter($"--requests must be between 1 and 10000000, got {n}.");
            if (c is < 1 or > 64) throw SightlineException.InvalidParameter($"--clients must be between 1 and 64, got {c}.");
            if (l is < 1 or > 600) throw SightlineException.InvalidParameter($"--request-limit must be between 1 and 600 seconds, got {l}.");
            if (r is < 256 or > 65_536) throw SightlineException.InvalidParameter($"--max-rss-mb must be between 256 and 65536, got {r}.");
            if (first < 0) throw SightlineException.InvalidParameter($"--from must not be negative, got {first}.");
            var options = new FuzzOptions(parse.GetValue(seed), n, c, TimeSpan.FromSeconds(l), r, null, first);
            return await RunAsync(parse, options, parse.GetValue(show), parse.GetValue(GlobalOptions.Json), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, FuzzOptions options, bool show, bool json, CancellationToken ct)
    {
        string data = Directory.CreateTempSubdirectory("sightline-fuzz-").FullName;
        string log = Path.Combine(data, "server.log");
        bool keep = false;
        try
        {
            string bucket = Path.Combine(data, "bucket");
            string models = GlobalOptions.ModelsDirectory(parse);
            var photos = Directory.Exists(ModelPaths.FixturesDirectory(models)) ? Directory.GetFiles(ModelPaths.FixturesDirectory(models), "*.jpg").Order(StringComparer.Ordinal).ToList() : [];
            var seeds = ImageSeeds.Create(photos);
            var objects = WriteBucket(bucket, seeds);
            var key = await BenchServerProcess.KeyAsync(parse, data, Roles.Admin, "bench fuzz", ct);
            int port = ServerLoad.FreePort();
            using var server = BenchServerProcess.Start(parse, data, port, ["--bucket", $"fuzz={bucket}", "--auth-failure-burst", "1000000", "--auth-failures-per-minute", "1000000"], log);
            try
            {
                var address = new Uri($"http://127.0.0.1:{port}/");
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
                await ServerLoad.WaitReadyAsync(http, address, server, ct);
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{key.AccessKeyId}:{key.SecretAccessKey}");
                var target = await PrepareAsync(http, address, key, objects, photos, ct);
                using var openApi = JsonDocument.Parse(await http.GetStringAsync(new Uri(address, "/openapi/v1.json"), ct));
                var campaign = new FuzzCampaign(target, seeds, openApi);
                if (show)
                {
                    for (long i = options.FirstIndex; i < options.FirstIndex + options.Requests; i++)
                    {
                        var fuzz = campaign.Case(options.Seed, i);
                        double before = await AllocatedAsync(http, address, ct);
                        var (status, seconds, answer, error) = await campaign.SendAsync(http, fuzz, options.RequestLimit, ct);
                        double allocated = await AllocatedAsync(http, address, ct) - before;
                        Console.WriteLine($"#{i} {fuzz.Api} {fuzz.Method} {fuzz.Operation} [{fuzz.Mutation}] {fuzz.Body.Length:N0} bytes → {status} in {seconds:F2} s, server allocated {allocated / 1048576:F1} MB {error} {(answer.Length > 300 ? answer[..300] : answer)}");
                    }
                }
                var report = await Cli.WithProgressAsync($"fuzz (seed {options.Seed})", async progress =>
                    await campaign.RunAsync(options with { ServerPid = server.Id }, progress is null ? null : new Progress<long>(d => progress.Report(((int)d, (int)options.Requests))), ct),
                    linesWhenRedirected: options.Requests >= 10_000);
                keep = !report.Passed;
                Print(report, json, keep ? log : null);
                return report.Passed ? 0 : 1;
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (!keep)
                Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Objects a video job may be pointed at, none of them a video; and a photo for image inputs by location.</summary>
    private static List<string> WriteBucket(string bucket, ImageSeeds seeds)
    {
        Directory.CreateDirectory(Path.Combine(bucket, "nested"));
        var rng = new Random(7);
        var files = new Dictionary<string, byte[]>
        {
            ["photo.jpg"] = seeds.Jpegs[0],
            ["photo-as-video.mp4"] = seeds.Jpegs[0],
            ["text.mp4"] = "this is not a video"u8.ToArray(),
            ["empty.mp4"] = [],
            ["noise.mov"] = ImageCorpus.Noise(rng, 65_536),
            ["header-only.mp4"] = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0, (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1'],
            ["nested/bomb.png"] = seeds.Bombs[0],
        };
        foreach (var (name, bytes) in files)
            File.WriteAllBytes(Path.Combine(bucket, name), bytes);
        return [.. files.Keys];
    }

    /// <summary>What the server holds before the campaign: collections, a face or two, a user, and jobs on objects that are not videos.</summary>
    private static async Task<FuzzTarget> PrepareAsync(HttpClient http, Uri address, IssuedKey key, List<string> objects, List<string> photos, CancellationToken ct)
    {
        string[] collections = ["fuzz-0", "fuzz-1", "fuzz-2"];
        var faces = new List<string>();
        var jobs = new List<string>();
        foreach (string collection in collections)
            await SendJsonAsync(http, new Uri(address, "/v1/collections"), $"{{\"collectionId\":\"{collection}\"}}", ct);
        foreach (string photo in photos.Take(2))
        {
            using var content = new ByteArrayContent(await File.ReadAllBytesAsync(photo, ct));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var response = await http.PostAsync(new Uri(address, "/v1/collections/fuzz-0/faces"), content, ct);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (doc.RootElement.TryGetProperty("faceRecords", out var records))
                faces.AddRange(records.EnumerateArray().Select(r => r.GetProperty("face").GetProperty("faceId").GetString()!));
        }
        await SendJsonAsync(http, new Uri(address, "/v1/collections/fuzz-0/users"), "{\"userId\":\"fuzz-user-0\"}", ct);
        foreach (string name in objects.Where(o => o.EndsWith(".mp4", StringComparison.Ordinal) || o.EndsWith(".mov", StringComparison.Ordinal)))
        {
            string answer = await SendJsonAsync(http, new Uri(address, "/v1/jobs/face-detection"), $"{{\"video\":{{\"bucket\":\"fuzz\",\"name\":\"{name}\"}}}}", ct);
            using var doc = JsonDocument.Parse(answer);
            if (doc.RootElement.TryGetProperty("jobId", out var id))
                jobs.Add(id.GetString()!);
        }
        if (faces.Count == 0 && photos.Count > 0)
            throw new SightlineException(ErrorKind.Internal, "The campaign could not index the model pack's fixture photos on the server under test.");
        return new FuzzTarget(address, key.AccessKeyId, key.SecretAccessKey, collections, faces, ["fuzz-user-0"], jobs, "fuzz", objects);
    }

    /// <summary>Bytes the server has allocated since it started (its /metrics), to see what one request costs it.</summary>
    private static async Task<double> AllocatedAsync(HttpClient http, Uri address, CancellationToken ct)
    {
        foreach (string line in (await http.GetStringAsync(new Uri(address, "/metrics"), ct)).Split('\n'))
        {
            if (line.StartsWith("system_runtime_dotnet_gc_heap_total_allocated ", StringComparison.Ordinal))
                return double.Parse(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }

    private static async Task<string> SendJsonAsync(HttpClient http, Uri uri, string json, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(uri, content, ct);
        string text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? text : throw new SightlineException(ErrorKind.Internal, $"Preparing the server under test: POST {uri.AbsolutePath} answered {(int)response.StatusCode}: {text}");
    }

    private static string Status(int status) => status switch
    {
        FuzzCampaign.NotSent => "not sendable",
        FuzzCampaign.ClosedEarly => "closed before the body was read",
        0 => "no answer",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static void Print(FuzzReport r, bool json, string? log)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { r.Seed, r.Requests, r.Seconds, r.Passed, r.ServerErrors, r.NoAnswer, r.Slow, r.SlowestSeconds, r.MedianMs,
                r.RssStartMb, r.RssPeakMb, r.RssEndMb, r.RssBoundMb, r.AliveAtEnd, r.StuckJobs, r.AwsOperations, r.NativeOperations,
                ByStatus = r.ByStatus.ToDictionary(s => s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), s => s.Value), r.ByMutation, r.Operations, r.Failures, ServerLog = log },
                new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
            return;
        }
        var summary = new Table().AddColumns("measure", "value");
        summary.AddRow("requests", $"{r.Requests:N0} in {r.Seconds:F0} s (seed {r.Seed}); median {r.MedianMs:F0} ms, slowest {r.SlowestSeconds:F1} s");
        summary.AddRow("operations reached", $"AWS {r.Operations.Count(o => o.Api == "aws" && o.Operation != "(unknown)")}, native {r.Operations.Count(o => o.Api == "native")} (of {r.AwsOperations} and {r.NativeOperations} listed)");
        summary.AddRow("answers by status", string.Join(", ", r.ByStatus.Select(s => $"{Status(s.Key)}: {s.Value:N0}")));
        summary.AddRow("5xx other than 503 / no answer / slow", $"{r.ServerErrors} / {r.NoAnswer} / {r.Slow}");
        summary.AddRow("server RSS start / peak / end (bound)", $"{r.RssStartMb:F0} / {r.RssPeakMb:F0} / {r.RssEndMb:F0} MB ({r.RssBoundMb:F0})");
        summary.AddRow("server alive at the end; video jobs stuck", $"{(r.AliveAtEnd ? "yes" : "NO")}; {r.StuckJobs.Count}");
        AnsiConsole.Write(summary);
        foreach (var f in r.Failures.Take(20))
            Console.WriteLine($"FAIL #{f.Index} {f.Api} {f.Method} {f.Operation} [{f.Mutation}] → {f.Status} in {f.Seconds:F1} s: {f.Reason}; {f.Response}");
        if (!r.Passed)
        {
            Console.WriteLine($"campaign failed: {string.Join("; ", r.Reasons())}. Replay one with --seed {r.Seed} --from INDEX --requests 1 --show.");
            if (log is not null) Console.WriteLine($"server log: {log}");
        }
    }
}
