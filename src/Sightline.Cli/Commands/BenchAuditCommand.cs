using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Sightline.Collections;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Identification;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline bench audit</c>: SearchFacesByImage with and without its accountability work — the policy check, the
/// probe's SHA-256, the audit record and one lead per match, committed durably (synchronous=FULL) — interleaved
/// request by request on the same collection, so the ratio is the audit's cost on search throughput.
/// </summary>
internal static class BenchAuditCommand
{
    private sealed record Result(string Image, int Requests, int Matches, double PlainP50Ms, double AuditedP50Ms, double PlainRps, double AuditedRps, double Ratio, double OverheadPercent, long AuditRecords);

    public static Command Build()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image indexed into the collection and then searched with" };
        var requests = new Option<int>("--requests") { DefaultValueFactory = _ => 40, Description = "Searches of each kind" };
        var command = new Command("audit", "Audit overhead on SearchFacesByImage: plain vs audited (record + leads, fsync'd), interleaved") { image, requests, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            int n = parse.GetValue(requests);
            if (n is < 3 or > 10_000) throw SightlineException.InvalidParameter($"--requests must be between 3 and 10000, got {n}.");
            string path = parse.GetValue(image)!;
            if (!File.Exists(path)) throw SightlineException.InvalidParameter($"Image file '{path}' does not exist.");
            var result = await RunAsync(parse, path, n, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
                return 0;
            }
            var table = new Table().AddColumns("measure", "value");
            table.AddRow("searches of each kind", $"{result.Requests} (interleaved), {result.Matches} match(es) each");
            table.AddRow("plain p50 / throughput", $"{result.PlainP50Ms:F2} ms / {result.PlainRps:F2} per s");
            table.AddRow("audited p50 / throughput", $"{result.AuditedP50Ms:F2} ms / {result.AuditedRps:F2} per s");
            table.AddRow("audited ÷ plain time", $"{result.Ratio:F3} ({result.OverheadPercent:F2}% overhead)");
            table.AddRow("audit records written", $"{result.AuditRecords}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static async Task<Result> RunAsync(ParseResult parse, string path, int n, CancellationToken ct)
    {
        string data = Directory.CreateTempSubdirectory("sightline-bench-audit-").FullName;
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, ct);
            var decoder = new ImageDecoder();
            using var host = new CollectionHost(CliCore.Open(BenchServerProcess.Options(parse, data)), "cli bench audit");
            await host.Service.CreateCollectionAsync(host.Audit, "bench", ct);
            using (var enrol = decoder.Decode(bytes))
                await host.Service.IndexFacesAsync(host.Audit, new IndexFacesRequest("bench", null), enrol, ct);

            async Task<SearchFacesByImageResponse> Plain()
            {
                using var probe = decoder.Decode(bytes);
                return (await host.Service.SearchFacesByImageAsync("bench", probe, null, 99f, ct)).Response;
            }
            Task<SearchFacesByImageResponse> Audited() => host.IdentifyAsync("bench", "BENCH-1", "investigation", null, Probe.Of(bytes), async t =>
            {
                using var probe = decoder.Decode(bytes);
                return await host.Service.SearchFacesByImageAsync("bench", probe, null, t, ct);
            }, ct);

            int matches = (await Plain()).FaceMatches.Count;
            for (int i = 0; i < 3; i++) { await Plain(); await Audited(); }
            var plain = new List<double>(n);
            var audited = new List<double>(n);
            await Cli.WithProgressAsync("searching", async p =>
            {
                for (int i = 0; i < n; i++)
                {
                    // Alternate which goes first, so drift (thermal, page cache, GC) falls on both alike.
                    if (i % 2 == 0) { plain.Add(await TimeAsync(Plain)); audited.Add(await TimeAsync(Audited)); }
                    else { audited.Add(await TimeAsync(Audited)); plain.Add(await TimeAsync(Plain)); }
                    p?.Report((i + 1, n));
                }
                return 0;
            }, linesWhenRedirected: true);
            double plainMs = Median(plain), auditedMs = Median(audited);
            double plainRps = n / (plain.Sum() / 1000), auditedRps = n / (audited.Sum() / 1000);
            long records = (await host.Core.Get<Storage.IAuditStore>().ReadAuditAsync(0, 100_000, ct)).Count;
            return new Result(Path.GetFileName(path), n, matches, plainMs, auditedMs, plainRps, auditedRps, plainRps / auditedRps, (plainRps / auditedRps - 1) * 100, records);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<double> TimeAsync(Func<Task<SearchFacesByImageResponse>> work)
    {
        long start = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
