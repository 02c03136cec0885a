using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sightline.Access;

namespace Sightline.Benchmarks;

/// <summary>
/// Client side of the server benchmark: readiness, one signed DetectFaces (SigV4, as the SDKs sign it), and a load
/// of concurrent clients for a fixed time that counts answers by status and samples the server's RSS.
/// </summary>
public static class ServerLoad
{
    public static async Task WaitReadyAsync(HttpClient http, Uri address, Process server, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri(address, "readyz"), ct)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250, ct);
        }
        throw new SightlineException(ErrorKind.Internal, "The benchmark server did not become ready within 3 minutes.");
    }

    /// <summary>
    /// One AWS JSON request (DetectFaces unless <paramref name="target"/> says otherwise), signed as the SDKs sign it;
    /// <paramref name="extra"/> headers (Sightline's case and purpose) are sent unsigned, as an SDK's middleware adds them.
    /// </summary>
    public static async Task<(HttpStatusCode Status, double Ms)> SendAsync(HttpClient http, Uri address, IssuedKey key, byte[] body, CancellationToken ct,
        string target = "RekognitionService.DetectFaces", IReadOnlyDictionary<string, string>? extra = null)
    {
        var headers = new Dictionary<string, string> { ["host"] = address.Authority, ["content-type"] = "application/x-amz-json-1.1", ["x-amz-target"] = target };
        using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/x-amz-json-1.1");
        request.Headers.Add("x-amz-target", target);
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            request.Headers.Add(name, value);
        foreach (var (name, value) in SigV4.Sign(new SignableRequest("POST", "/", null, headers, body), key.AccessKeyId, key.SecretAccessKey, "us-east-1", "rekognition", DateTimeOffset.UtcNow))
            request.Headers.TryAddWithoutValidation(name, value);
        long start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, ct);
        await response.Content.ReadAsByteArrayAsync(ct);
        return (response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    public sealed record Load(long Ok, long Throttled, long Other, double P50, double P99, double Max, double RssStart, double RssEnd, double RssPeak,
        IReadOnlyList<double> Timeline, double Slope);

    /// <summary>Points of the RSS timeline reported (evenly spaced over the run, the first at its start).</summary>
    public const int TimelinePoints = 9;

    public static async Task<Load> LoadAsync(HttpClient http, Uri address, IssuedKey key, byte[] body, int clients, TimeSpan length, int pid, CancellationToken ct)
    {
        var okTimes = new ConcurrentBag<double>();
        long ok = 0, throttled = 0, other = 0;
        double rssStart = RssMb(pid), rssPeak = rssStart;
        var samples = new List<(double Seconds, double Mb)> { (0, rssStart) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(length);
        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                double mb = RssMb(pid);
                rssPeak = Math.Max(rssPeak, mb);
                samples.Add((clock.Elapsed.TotalSeconds, mb));
                await Task.Delay(500, CancellationToken.None);
            }
        }, CancellationToken.None);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var (status, ms) = await SendAsync(http, address, key, body, CancellationToken.None);
                    if (status == HttpStatusCode.OK) { Interlocked.Increment(ref ok); okTimes.Add(ms); }
                    else if (status == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref throttled);
                    else Interlocked.Increment(ref other);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref other);
                }
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        await sampler;
        var times = okTimes.Order().ToList();
        double end = RssMb(pid);
        samples.Add((clock.Elapsed.TotalSeconds, end));
        var timeline = Enumerable.Range(0, TimelinePoints).Select(i => samples[(int)Math.Round(i * (samples.Count - 1) / (double)(TimelinePoints - 1))].Mb).ToList();
        // Least-squares slope of RSS over the second half of the run: ~0 when memory has levelled off.
        var half = samples.Where(x => x.Seconds >= length.TotalSeconds / 2).ToList();
        double mx = half.Average(x => x.Seconds), my = half.Average(x => x.Mb);
        double slope = half.Count < 2 ? 0 : half.Sum(x => (x.Seconds - mx) * (x.Mb - my)) / Math.Max(1e-9, half.Sum(x => (x.Seconds - mx) * (x.Seconds - mx))) * 60;
        return new Load(ok, throttled, other, Percentile(times, 0.5), Percentile(times, 0.99), times.Count > 0 ? times[^1] : 0, rssStart, end, rssPeak, timeline, slope);
    }

    public static double RssMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        return 0;
    }

    public static double Median(List<double> values) => Percentile([.. values.Order()], 0.5);

    public static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
