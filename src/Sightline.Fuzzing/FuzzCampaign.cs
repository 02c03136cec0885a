using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Benchmarks;

namespace Sightline.Fuzzing;

/// <summary>How a campaign runs: its seed and length, clients at once, and the limits it holds the server to.</summary>
public sealed record FuzzOptions(int Seed, long Requests, int Clients, TimeSpan RequestLimit, double RssBoundMb, int? ServerPid, long FirstIndex = 0);

/// <summary>
/// Sends seeded hostile requests to a running server, both APIs, from several clients at once, and counts the answers.
/// Case <c>i</c> of seed <c>s</c> is the same request in every run (<see cref="Case"/>), so a failure is replayed by
/// its index. Started video jobs are followed to the end: a job that never finishes fails the campaign too.
/// </summary>
public sealed class FuzzCampaign(FuzzTarget target, ImageSeeds seeds, JsonDocument openApi)
{
    /// <summary>Failures kept whole in the report (all are counted).</summary>
    public const int FailuresKept = 50;

    /// <summary>The status counted for a case the HTTP client itself cannot put on the wire.</summary>
    public const int NotSent = -1;

    /// <summary>The status counted when the server closed the connection while the client was still sending the body.</summary>
    public const int ClosedEarly = -2;

    private readonly ImageCorpus _images = new(seeds);
    private AwsCases? _aws;
    private NativeCases? _native;

    public int AwsOperations => AwsCases.Operations;

    public int NativeOperations => Native.Operations;

    private AwsCases Aws => _aws ??= new AwsCases(target, new PlausibleValues(target, _images));

    private NativeCases Native => _native ??= new NativeCases(openApi, target, new PlausibleValues(target, _images), _images);

    /// <summary>The request with this index under this seed.</summary>
    public FuzzCase Case(int seed, long index)
    {
        var rng = Pick.For(seed, index);
        return rng.Chance(0.5) ? Aws.Create(rng, index) : Native.Create(rng, index);
    }

    public async Task<FuzzReport> RunAsync(FuzzOptions options, IProgress<long>? progress, CancellationToken ct)
    {
        using var http = Client();
        var byStatus = new ConcurrentDictionary<int, long>();
        var byMutation = new ConcurrentDictionary<string, long>();
        var byOperation = new ConcurrentDictionary<(string, string), Tally>();
        var failures = new ConcurrentQueue<FuzzFailure>();
        var durations = new ConcurrentBag<double>();
        var jobs = new ConcurrentDictionary<string, byte>();
        long next = options.FirstIndex, done = 0, noAnswer = 0, slow = 0;
        double slowest = 0, rssStart = Rss(options), rssPeak = rssStart;
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                rssPeak = Math.Max(rssPeak, Rss(options));
                try { await Task.Delay(250, stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        }, CancellationToken.None);
        var workers = Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                long index = Interlocked.Increment(ref next) - 1;
                if (index >= options.FirstIndex + options.Requests)
                    return;
                var fuzz = Case(options.Seed, index);
                var (status, seconds, answer, error) = await SendAsync(http, fuzz, options.RequestLimit, ct).ConfigureAwait(false);
                durations.Add(seconds * 1000);
                byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
                foreach (string m in fuzz.Mutation.Split('+'))
                    byMutation.AddOrUpdate(m, 1, (_, n) => n + 1);
                byOperation.GetOrAdd((fuzz.Api, fuzz.Operation), _ => new Tally()).Add(status, seconds);
                InterlockedMax(ref slowest, seconds);
                string? reason = status is NotSent or ClosedEarly ? null
                    : status == 0 ? "no answer: " + error
                    : status >= 500 && status != 503 ? "server error"
                    : seconds > options.RequestLimit.TotalSeconds ? "slower than the limit" : null;
                if (status == 0) Interlocked.Increment(ref noAnswer);
                if (seconds > options.RequestLimit.TotalSeconds) Interlocked.Increment(ref slow);
                if (reason is not null && failures.Count < FailuresKept)
                    failures.Enqueue(new FuzzFailure(index, fuzz.Api, fuzz.Operation, fuzz.Mutation, fuzz.Method, Cut(fuzz.Target, 300), status, seconds, reason, Cut(answer, 600)));
                if (status == 200 && JobId(answer) is { } job && jobs.Count < 500)
                    jobs.TryAdd(job, 0);
                long finished = Interlocked.Increment(ref done);
                progress?.Report(finished);
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        var stuck = await StuckJobsAsync(http, jobs.Keys, TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
        bool alive = await AliveAsync(http, options, ct).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        var sorted = durations.Order().ToList();
        return new FuzzReport(options.Seed, done, seconds, new SortedDictionary<int, long>(byStatus), new SortedDictionary<string, long>(byMutation, StringComparer.Ordinal),
            [.. byOperation.OrderBy(o => o.Key.Item1, StringComparer.Ordinal).ThenBy(o => o.Key.Item2, StringComparer.Ordinal).Select(o => o.Value.Counts(o.Key.Item1, o.Key.Item2))],
            AwsOperations, NativeOperations, noAnswer, slow, slowest, ServerLoad.Percentile(sorted, 0.5), rssStart, Math.Max(rssPeak, Rss(options)), Rss(options),
            options.RssBoundMb, alive, stuck, [.. failures.OrderBy(f => f.Index)]);
    }

    private static HttpClient Client() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        MaxConnectionsPerServer = 64,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Sends one case; status 0 when no answer came back.</summary>
    public async Task<(int Status, double Seconds, string Answer, string? Error)> SendAsync(HttpClient http, FuzzCase fuzz, TimeSpan limit, CancellationToken ct)
    {
        // The target as sent, not resolved against the address: "//" is a path here, not a network-path reference.
        if (!Uri.TryCreate(target.Address.GetLeftPart(UriPartial.Authority) + fuzz.Target, UriKind.Absolute, out var uri))
            return (NotSent, 0, "", "the client cannot send this target");
        using var request = new HttpRequestMessage(new HttpMethod(fuzz.Method), uri);
        if (fuzz.Method != "HEAD" && (fuzz.Body.Length > 0 || fuzz.ContentType is not null))
            request.Content = new ByteArrayContent(fuzz.Body);
        foreach (var (name, value) in fuzz.Headers)
        {
            string clean = new([.. value.Where(c => c >= 0x20 || c == '\t')]); // a header cannot carry a line break
            if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
                request.Content?.Headers.TryAddWithoutValidation(name, clean);
            else
                request.Headers.TryAddWithoutValidation(name, clean);
        }
        // Past the limit the request counts as slow; the wait goes on a while longer to tell slow from hung.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit + TimeSpan.FromSeconds(30));
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            // An event stream that opened has answered; it never ends by itself, so it is closed here.
            string answer = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? ""
                : await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds, answer, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (0, Stopwatch.GetElapsedTime(start).TotalSeconds, "", "no answer within the limit");
        }
        catch (HttpRequestException ex)
        {
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            // A server may answer a bad request (414, 431, 413) and close the connection before reading the body; the
            // client then fails while still writing. That is no failure of the server's if it is still serving.
            if (ex.InnerException is IOException && ex.HttpRequestError is HttpRequestError.Unknown or HttpRequestError.ResponseEnded
                && await AliveAsync(http, ct).ConfigureAwait(false))
                return (ClosedEarly, seconds, "", ex.InnerException.Message);
            return (0, seconds, "", ex.InnerException?.Message ?? ex.Message);
        }
    }

    /// <summary>Jobs still running once the campaign and a grace period are over.</summary>
    private async Task<IReadOnlyList<string>> StuckJobsAsync(HttpClient http, ICollection<string> jobs, TimeSpan grace, CancellationToken ct)
    {
        var pending = jobs.ToHashSet(StringComparer.Ordinal);
        var until = DateTime.UtcNow + grace;
        while (pending.Count > 0 && DateTime.UtcNow < until)
        {
            foreach (string job in pending.ToList())
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target.Address, "/v1/jobs/" + Uri.EscapeDataString(job)));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{target.AccessKeyId}:{target.SecretAccessKey}");
                using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
                string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!text.Contains("IN_PROGRESS", StringComparison.Ordinal))
                    pending.Remove(job);
            }
            if (pending.Count > 0)
                await Task.Delay(1000, ct).ConfigureAwait(false);
        }
        return [.. pending.Order(StringComparer.Ordinal)];
    }

    private Task<bool> AliveAsync(HttpClient http, FuzzOptions options, CancellationToken ct) =>
        options.ServerPid is { } pid && !File.Exists($"/proc/{pid}/status") ? Task.FromResult(false) : AliveAsync(http, ct);

    private async Task<bool> AliveAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var response = await http.GetAsync(new Uri(target.Address, "/healthz"), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private static double Rss(FuzzOptions options) =>
        options.ServerPid is { } pid && File.Exists($"/proc/{pid}/status") ? ServerLoad.RssMb(pid) : 0;

    private static string? JobId(string answer)
    {
        if (!answer.Contains("obId", StringComparison.Ordinal))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(answer);
            foreach (string name in new[] { "JobId", "jobId" })
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var id) && id.ValueKind == JsonValueKind.String)
                    return id.GetString();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private static void InterlockedMax(ref double target, double value)
    {
        double seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private sealed class Tally
    {
        private long _sent, _ok, _client, _server, _overloaded;
        private double _max;

        public void Add(int status, double seconds)
        {
            Interlocked.Increment(ref _sent);
            if (status is >= 200 and < 400) Interlocked.Increment(ref _ok);
            else if (status is >= 400 and < 500) Interlocked.Increment(ref _client);
            else if (status == 503) Interlocked.Increment(ref _overloaded);
            else Interlocked.Increment(ref _server);
            InterlockedMax(ref _max, seconds);
        }

        public OperationCounts Counts(string api, string operation) => new(api, operation, _sent, _ok, _client, _server, _overloaded, _max);
    }
}
