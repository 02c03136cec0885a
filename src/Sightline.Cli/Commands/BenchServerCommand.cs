using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sightline.Access;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Storage;
using Sightline.Benchmarks;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline bench server</c>: starts a real server (child process, loopback, fresh data directory), then
/// (1) compares signed DetectFaces latency one request at a time with the same work done in-process, and
/// (2) runs N concurrent clients for S seconds, counting answers by status and sampling the server's RSS.
/// </summary>
internal static class BenchServerCommand
{
    private sealed record Result(string Image, int Faces, int Sequential, double EngineP50Ms, double ServerP50Ms, double Ratio,
        int Clients, double Seconds, long Ok, long Throttled, long Other, double Rps, double OkP50Ms, double OkP99Ms, double OkMaxMs,
        double RssStartMb, double RssEndMb, double RssPeakMb, IReadOnlyList<double> RssTimelineMb, double RssLastHalfSlopeMbPerMin, int MaxConcurrent, int Queue);

    public static Command Build()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image sent with every DetectFaces request" };
        var sequential = new Option<int>("--requests") { DefaultValueFactory = _ => 30, Description = "Sequential requests for the latency comparison" };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 50, Description = "Concurrent clients in the load test" };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 60, Description = "Length of the load test" };
        var command = new Command("server", "Server latency over in-process work, and a load test with concurrent clients (status counts, p99, RSS)")
        {
            image, sequential, clients, seconds, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            int n = parse.GetValue(sequential), c = parse.GetValue(clients), s = parse.GetValue(seconds);
            if (n is < 1 or > 10_000) throw SightlineException.InvalidParameter($"--requests must be between 1 and 10000, got {n}.");
            if (c is < 1 or > 1000) throw SightlineException.InvalidParameter($"--clients must be between 1 and 1000, got {c}.");
            if (s is < 1 or > 3600) throw SightlineException.InvalidParameter($"--seconds must be between 1 and 3600, got {s}.");
            string path = parse.GetValue(image)!;
            if (!File.Exists(path)) throw SightlineException.InvalidParameter($"Image file '{path}' does not exist.");
            var result = await RunAsync(parse, path, n, c, s, ct);
            Print(result, parse.GetValue(GlobalOptions.Json));
            return 0;
        });
        return command;
    }

    private static async Task<Result> RunAsync(ParseResult parse, string path, int sequential, int clients, int seconds, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(path, ct);
        using var engine = new FaceEngine(GlobalOptions.EngineOptions(parse));
        engine.Warm(new FaceRequest { AllAttributes = true, Embeddings = true });
        string base64 = Convert.ToBase64String(bytes);
        string data = Directory.CreateTempSubdirectory("sightline-bench-server-").FullName;
        try
        {
            var key = await BenchServerProcess.KeyAsync(parse, data, Roles.Operator, "bench server", ct);
            int port = ServerLoad.FreePort();
            using var server = BenchServerProcess.Start(parse, data, port, []);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
            var address = new Uri($"http://127.0.0.1:{port}/");
            await ServerLoad.WaitReadyAsync(http, address, server, ct);
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { Image = new { Bytes = Convert.ToBase64String(bytes) } }));
            int faces = 0;
            for (int i = 0; i < 3; i++)
            {
                await ServerLoad.SendAsync(http, address, key, body, ct);
                faces = InProcess(engine, base64, ct).Faces;
            }
            // In turn, one in-process then one over HTTP (alternating which goes first), so drift falls on both alike.
            var serial = new List<double>();
            var local = new List<double>();
            for (int i = 0; i < sequential; i++)
            {
                if (i % 2 == 1) local.Add(InProcess(engine, base64, ct).Ms);
                serial.Add((await ServerLoad.SendAsync(http, address, key, body, ct)).Ms);
                if (i % 2 == 0) local.Add(InProcess(engine, base64, ct).Ms);
            }
            double serverMs = ServerLoad.Median(serial), engineMs = ServerLoad.Median(local);
            var load = await ServerLoad.LoadAsync(http, address, key, body, clients, TimeSpan.FromSeconds(seconds), server.Id, ct);
            server.Kill(entireProcessTree: true);
            var options = new Server.ServerOptions();
            return new Result(Path.GetFileName(path), faces, sequential, engineMs, serverMs, serverMs / engineMs, clients, seconds,
                load.Ok, load.Throttled, load.Other, load.Ok / (double)seconds, load.P50, load.P99, load.Max, load.RssStart, load.RssEnd, load.RssPeak,
                load.Timeline, load.Slope, options.MaxConcurrentRequests, options.QueueLimit);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>What the server does for one request, in-process: decode the base64 body's image, detect, map, serialise.</summary>
    private static (double Ms, int Faces) InProcess(FaceEngine engine, string base64, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        using var image = new ImageDecoder().Decode(Convert.FromBase64String(base64), ImageSource.Inline);
        var found = engine.Analyze(image, new FaceRequest(), ct);
        _ = RekognitionJson.Serialize(new DetectFacesResponse([.. found.Select(f => RekognitionMapper.ToFaceDetail(f, image.Width, image.Height))]), indented: false);
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, found.Count);
    }

    private static void Print(Result r, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(r, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
            return;
        }
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("image", $"{Markup.Escape(r.Image)} ({r.Faces} faces)");
        table.AddRow($"DetectFaces p50, in-process / signed over HTTP ({r.Sequential} in turn)", $"{r.EngineP50Ms:F1} / {r.ServerP50Ms:F1} ms = {r.Ratio:F3}x");
        table.AddRow($"load: {r.Clients} clients × {r.Seconds:F0} s", $"{r.Ok:N0} ok, {r.Throttled:N0} throttled (429), {r.Other:N0} other");
        table.AddRow("served per second", $"{r.Rps:F1}");
        table.AddRow("ok latency p50 / p99 / max", $"{r.OkP50Ms:F0} / {r.OkP99Ms:F0} / {r.OkMaxMs:F0} ms");
        table.AddRow("server RSS start / end / peak", $"{r.RssStartMb:F0} / {r.RssEndMb:F0} / {r.RssPeakMb:F0} MB");
        table.AddRow("server RSS over the run (MB)", string.Join(" → ", r.RssTimelineMb.Select(m => m.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));
        table.AddRow("RSS slope, second half", $"{r.RssLastHalfSlopeMbPerMin:F1} MB/min");
        table.AddRow("server limits", $"{r.MaxConcurrent} at once, {r.Queue} waiting");
        AnsiConsole.Write(table);
    }
}
