using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sightline.Outbound.Tests;

/// <summary>The policy on real sockets: a loopback HTTP listener stands in for a webhook receiver inside the network.</summary>
public sealed class OutboundPolicyTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public OutboundPolicyTests()
    {
        _listener.Start();
        _ = AnswerAsync();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Set to answer with a redirect instead of 200.</summary>
    private string? RedirectTo { get; set; }

    private async Task AnswerAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
                var stream = client.GetStream();
                var buffer = new byte[8192];
                _ = await stream.ReadAsync(buffer); // one read holds these small requests; what they say does not matter
                string answer = RedirectTo is { } location
                    ? $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => _listener.Stop();

    private static HttpClient Client(OutboundPolicy policy) => new(OutboundHttp.Handler(policy, TimeSpan.FromSeconds(5))) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_loopback_receiver_is_refused_until_an_operator_allows_it_by_name()
    {
        using (var closed = Client(OutboundPolicy.PublicOnly))
        {
            var ex = await Assert.ThrowsAsync<HttpRequestException>(() => closed.GetAsync(new Uri($"http://127.0.0.1:{Port}/hook")));
            var refused = Assert.IsType<OutboundRefusedException>(ex.InnerException ?? ex, exactMatch: false);
            Assert.Contains($"--allow-outbound 127.0.0.1:{Port}", refused.Message, StringComparison.Ordinal);
        }
        Assert.Equal(0, Volatile.Read(ref _connections));

        using var open = Client(new OutboundPolicy([$"127.0.0.1:{Port}"]));
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync(new Uri($"http://127.0.0.1:{Port}/hook"))).StatusCode);
        Assert.Equal(1, Volatile.Read(ref _connections));

        // Allowing one port does not open the host's others, nor another name that resolves to the same address.
        using var otherPort = Client(new OutboundPolicy([$"127.0.0.1:{(Port == 65535 ? 1 : Port + 1)}"]));
        await Assert.ThrowsAsync<HttpRequestException>(() => otherPort.GetAsync(new Uri($"http://127.0.0.1:{Port}/hook")));
        await Assert.ThrowsAsync<HttpRequestException>(() => open.GetAsync(new Uri($"http://localhost:{Port}/hook")));
        Assert.Equal(1, Volatile.Read(ref _connections));
        using var byName = Client(new OutboundPolicy(["localhost"]));
        Assert.Equal(HttpStatusCode.OK, (await byName.GetAsync(new Uri($"http://localhost:{Port}/hook"))).StatusCode);
    }

    [Fact]
    public async Task Metadata_addresses_are_refused_even_when_named_and_no_redirect_is_followed()
    {
        Assert.Throws<SightlineException>(() => new OutboundPolicy(["169.254.169.254"]));
        Assert.Throws<SightlineException>(() => new OutboundPolicy(["[fd00:ec2::254]:80"]));
        var policy = new OutboundPolicy([$"127.0.0.1:{Port}"]);
        Assert.Contains("never", policy.Refusal("169.254.169.254", 80, IPAddress.Parse("169.254.169.254")), StringComparison.Ordinal);

        RedirectTo = "http://169.254.169.254/latest/meta-data/";
        using var client = Client(policy);
        var answer = await client.GetAsync(new Uri($"http://127.0.0.1:{Port}/hook"));
        Assert.Equal(HttpStatusCode.Found, answer.StatusCode); // the redirect is the answer, not followed
        Assert.Equal(1, Volatile.Read(ref _connections));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local or cloud-metadata")]
    [InlineData("http://[fe80::1]/hook", "link-local or cloud-metadata")]
    [InlineData("http://100.100.100.200/", "link-local or cloud-metadata")]
    [InlineData("http://10.0.0.8:9000/hook", "--allow-outbound 10.0.0.8:9000")]
    [InlineData("https://192.168.1.20/hook", "--allow-outbound 192.168.1.20:443")]
    [InlineData("http://localhost:8080/hook", "--allow-outbound localhost:8080")]
    [InlineData("http://0.0.0.0/hook", "unroutable")]
    public async Task A_configured_url_that_would_be_refused_is_an_error_naming_why(string url, string reason)
    {
        var ex = await Assert.ThrowsAsync<SightlineException>(() => OutboundPolicy.PublicOnly.CheckAsync(new Uri(url), "webhook", CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_and_public_urls_pass_and_entries_are_checked()
    {
        await new OutboundPolicy(["10.0.0.8:9000"]).CheckAsync(new Uri("http://10.0.0.8:9000/hook"), "webhook", CancellationToken.None);
        await new OutboundPolicy(["hooks.internal"]).CheckAsync(new Uri("http://hooks.internal.invalid/hook"), "webhook", CancellationToken.None); // does not resolve now: checked at connect
        await OutboundPolicy.PublicOnly.CheckAsync(new Uri("https://93.184.216.34/hook"), "webhook", CancellationToken.None);
        await Assert.ThrowsAsync<SightlineException>(() => OutboundPolicy.PublicOnly.CheckAsync(new Uri("ftp://93.184.216.34/x"), "webhook", CancellationToken.None));
        foreach (string bad in new[] { "", "host:0", "host:99999", "host:port", "a b" })
            Assert.Equal(ErrorKind.InvalidParameter, Assert.Throws<SightlineException>(() => OutboundPolicy.ParseEntry(bad)).Kind);
        Assert.Equal(("::1", 8080), OutboundPolicy.ParseEntry("[::1]:8080"));
        Assert.Equal(("hooks.example", (int?)null), OutboundPolicy.ParseEntry("Hooks.Example"));
    }
}
