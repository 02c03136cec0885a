using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sightline.ObjectStorage;
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
        var jobTopics = new Option<string[]>("--job-topic") { Description = "Tell stored-video jobs started with NotificationChannel.SNSTopicArn ARN of their completion: ARN=URL (a JSON POST) or ARN=mqtt (PREFIX/jobs/TOPIC) (repeatable)", AllowMultipleArgumentsPerToken = false };
        var s3 = new Option<string>("--s3-endpoint") { Description = "S3-compatible endpoint (MinIO, AWS) for buckets not given with --bucket; credentials from $SIGHTLINE_S3_ACCESS_KEY_ID and $SIGHTLINE_S3_SECRET_ACCESS_KEY" };
        var s3Region = new Option<string>("--s3-region") { Description = "Region used to sign S3 requests", DefaultValueFactory = _ => "us-east-1" };
        var labelDetector = new Option<string>("--label-detector") { Description = "Object detector for DetectLabels (default centernet-coco; also nanodet-coco)" };
        var authBurst = new Option<int>("--auth-failure-burst") { Description = "Failed authentications a source address may make before its requests are refused with 429 / ThrottlingException", DefaultValueFactory = _ => 30 };
        var node = new Option<string>("--node") { Description = "This server's name among servers sharing one database (default: the host name); each needs its own" };
        var authRate = new Option<int>("--auth-failures-per-minute") { Description = "How fast an address earns failed attempts back", DefaultValueFactory = _ => 30 };
        var cluster = new Option<bool>("--cluster") { Description = "Join the Orleans cluster of servers on the same PostgreSQL --database (each with its own --node and reachable --cluster-address:--cluster-port)" };
        var clusterPort = new Option<int>("--cluster-port") { Description = "TCP port the cluster's nodes talk to each other on", DefaultValueFactory = _ => 11111 };
        var clusterAddress = new Option<string>("--cluster-address") { Description = "IP address other nodes reach this one at (default: this host's first non-loopback IPv4 address)" };
        var advertiseUrl = new Option<string>("--advertise-url") { Description = "HTTP base URL other nodes reach this one's API at, to forward a camera's live view (default: the first http:// --urls, a wildcard host replaced by --cluster-address)" };
        var shards = new Option<int>("--shards") { Description = "Shards each collection's faces are split into across the cluster (the same on every node)", DefaultValueFactory = _ => 3 };
        var command = new Command("serve", "Run the HTTP server: the Rekognition API (AWS JSON 1.1, SigV4 with keys from 'sightline keys create'), /healthz, /readyz, /metrics")
        {
            urls, jsonLogs, concurrency, queue, buckets, jobTopics, s3, s3Region, labelDetector, authBurst, authRate, node,
            cluster, ClusterCommands.ClusterId, clusterPort, clusterAddress, advertiseUrl, shards,
        };
        foreach (var option in ServeMqttOptions.All)
            command.Options.Add(option);
        command.SetGuardedAction(async (parse, ct) =>
        {
            int max = parse.GetValue(concurrency), waiting = parse.GetValue(queue);
            if (max is < 1 or > 4096) throw SightlineException.InvalidParameter($"--max-concurrent must be between 1 and 4096, got {max}.");
            if (waiting is < 0 or > 100_000) throw SightlineException.InvalidParameter($"--queue must be between 0 and 100000, got {waiting}.");
            int burst = parse.GetValue(authBurst), perMinute = parse.GetValue(authRate);
            if (burst is < 1 or > 1_000_000) throw SightlineException.InvalidParameter($"--auth-failure-burst must be between 1 and 1000000, got {burst}.");
            if (perMinute is < 1 or > 1_000_000) throw SightlineException.InvalidParameter($"--auth-failures-per-minute must be between 1 and 1000000, got {perMinute}.");
            var options = new ServerOptions
            {
                Urls = parse.GetValue(urls)!,
                JsonLogs = parse.GetValue(jsonLogs),
                MaxConcurrentRequests = max,
                QueueLimit = waiting,
                AuthFailureBurst = burst,
                AuthFailuresPerMinute = perMinute,
                Cluster = Cluster(parse.GetValue(cluster), parse.GetValue(ClusterCommands.ClusterId)!, parse.GetValue(clusterPort), parse.GetValue(clusterAddress), parse.GetValue(advertiseUrl), parse.GetValue(shards)),
            };
            var core = GlobalOptions.Core(parse) with { Buckets = Buckets(parse.GetValue(buckets) ?? []), S3 = S3(parse.GetValue(s3), parse.GetValue(s3Region)!),
                Mqtt = ServeMqttOptions.From(parse), JobTopics = JobTopics(parse.GetValue(jobTopics) ?? []) };
            if (parse.GetValue(node) is { } name)
                core = core with { Node = name };
            if (parse.GetValue(labelDetector) is { Length: > 0 } detector)
                core = core with { Labels = core.Labels with { Detector = detector } };
            WebApplication app;
            try
            {
                app = SightlineServer.Build(options, core);
            }
            catch (OptionsValidationException ex)
            {
                throw SightlineException.InvalidParameter(string.Join(' ', ex.Failures));
            }
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    private static Sightline.Cluster.ClusterSettings? Cluster(bool join, string id, int port, string? address, string? advertise, int shards)
    {
        if (!join)
            return null;
        System.Net.IPAddress? ip = null;
        if (address is not null && !System.Net.IPAddress.TryParse(address, out ip))
            throw SightlineException.InvalidParameter($"--cluster-address must be an IP address, got '{address}'.");
        Uri? url = null;
        if (advertise is not null && (!Uri.TryCreate(advertise, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            throw SightlineException.InvalidParameter($"--advertise-url must be an absolute http:// or https:// URL, got '{advertise}'.");
        var settings = new Sightline.Cluster.ClusterSettings { Id = id, Port = port, Address = ip, AdvertiseUrl = url, Shards = shards };
        if (settings.Validate() is { } problem)
            throw SightlineException.InvalidParameter(problem);
        return settings;
    }

    private static S3Settings? S3(string? endpoint, string region)
    {
        if (string.IsNullOrEmpty(endpoint))
            return null;
        string? key = Environment.GetEnvironmentVariable("SIGHTLINE_S3_ACCESS_KEY_ID"), secret = Environment.GetEnvironmentVariable("SIGHTLINE_S3_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
            throw SightlineException.InvalidParameter("--s3-endpoint needs $SIGHTLINE_S3_ACCESS_KEY_ID and $SIGHTLINE_S3_SECRET_ACCESS_KEY.");
        return new S3Settings(endpoint, key, secret, region);
    }

    private static Dictionary<string, string> JobTopics(string[] mappings)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string mapping in mappings)
        {
            int at = mapping.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || !result.TryAdd(mapping[..at], mapping[(at + 1)..]))
                throw SightlineException.InvalidParameter($"--job-topic takes ARN=URL or ARN=mqtt, each ARN once; got '{mapping}'.");
        }
        return result;
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
