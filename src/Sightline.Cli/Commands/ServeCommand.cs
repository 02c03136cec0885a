using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Sightline.Server;

namespace Sightline.Cli.Commands;

internal static class ServeCommand
{
    public static Command Build()
    {
        var urls = new Option<string>("--urls") { Description = "Listen address", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var jsonLogs = new Option<bool>("--log-json") { Description = "Write logs as JSON lines" };
        var concurrency = new Option<int>("--max-concurrent") { Description = "Requests processed at once (default 2 × cores)", DefaultValueFactory = _ => Math.Max(2, Environment.ProcessorCount * 2) };
        var queue = new Option<int>("--queue") { Description = "Requests that may wait for a slot before 429 / ThrottlingException", DefaultValueFactory = _ => 32 };
        var buckets = new Option<string[]>("--bucket") { Description = "Serve S3Object inputs from a local directory: NAME=DIRECTORY (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("serve", "Run the HTTP server: the Rekognition API (AWS JSON 1.1, SigV4 with keys from 'sightline keys create'), /healthz, /readyz, /metrics") { urls, jsonLogs, concurrency, queue, buckets };
        command.SetGuardedAction(async (parse, ct) =>
        {
            int max = parse.GetValue(concurrency), waiting = parse.GetValue(queue);
            if (max is < 1 or > 4096) throw SightlineException.InvalidParameter($"--max-concurrent must be between 1 and 4096, got {max}.");
            if (waiting is < 0 or > 100_000) throw SightlineException.InvalidParameter($"--queue must be between 0 and 100000, got {waiting}.");
            var options = new ServerOptions
            {
                Urls = parse.GetValue(urls)!,
                DataDirectory = GlobalOptions.DataDirectory(parse),
                JsonLogs = parse.GetValue(jsonLogs),
                MaxConcurrentRequests = max,
                QueueLimit = waiting,
                Buckets = Buckets(parse.GetValue(buckets) ?? []),
            };
            var app = SightlineServer.Build(options, GlobalOptions.EngineOptions(parse));
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    private static Dictionary<string, string> Buckets(string[] mappings)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, directory) in mappings.Select(ObjectStore.ParseMapping))
        {
            if (!result.TryAdd(name, directory))
                throw SightlineException.InvalidParameter($"--bucket {name} is given twice.");
        }
        return result;
    }
}
