using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Sightline.Benchmarks.Live;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// Two servers on loopback in one cluster ('serve --cluster'), one camera: its live view (the latest frame, the
/// WebSocket video) answers through the node that does not run it, forwarded to the one that does; a request already
/// forwarded is never forwarded again; when the node running it dies, the survivor answers 503 until the camera runs there.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // starts its own PostgreSQL server whichever database the suite runs on: run once
public sealed class ClusterLiveViewTests : IDisposable
{
    private readonly PostgresServer _postgres = new();

    public void Dispose() => _postgres.Dispose();

    [Fact]
    public async Task The_live_view_of_a_camera_answers_through_the_node_that_does_not_run_it()
    {
        string database = _postgres.CreateDatabase("liveview");
        string Port() => ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        string[] Node(string name) => ["--node", name, "--cluster", "--cluster-address", "127.0.0.1", "--cluster-port", Port()];
        var a = await ServerProcess.StartOnAsync(database, Node("node-a"));
        var nodes = new Dictionary<string, ServerProcess> { ["node-a"] = a };
        LoopbackStream? source = null;
        using var work = new TempDir();
        try
        {
            nodes["node-b"] = await a.StartPeerAsync([.. Node("node-b"), "--database", database]);
            // An RTSP source: the camera's analysis and its live video each open their own connection.
            source = await LoopbackStream.RtspAsync(await LiveCameraTests.SceneAsync(), work.Path, loops: 8, CancellationToken.None);
            Assert.Equal(0, SightlineCli.Run("--database", database, "--data", a.Data.Path, "cameras", "add", "yard", "--url", source.Url, "--detect", "person").ExitCode);
            var placed = await ClusterTests.UntilCamerasAsync(a, cams => cams["yard"] is ("streaming", { } n) && nodes.ContainsKey(n), TimeSpan.FromSeconds(60));
            string runner = placed["yard"].Node!;
            var other = nodes[nodes.Keys.Single(n => n != runner)];

            // The latest frame, through the other node.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var frame = await other.GetBytesAsync("v1/cameras/yard/live.jpg", "operator");
            while (frame.Status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(250);
                frame = await other.GetBytesAsync("v1/cameras/yard/live.jpg", "operator");
            }
            Assert.True(frame.Status == HttpStatusCode.OK, $"{frame.Status}: {System.Text.Encoding.UTF8.GetString(frame.Bytes)}");
            Assert.Equal("image/jpeg", frame.ContentType);
            Assert.True(frame.Bytes.Length > 1000 && frame.Bytes[0] == 0xFF && frame.Bytes[1] == 0xD8, $"{frame.Bytes.Length} bytes, not a JPEG");
            var tracks = await other.SendAsync(HttpMethod.Get, "v1/cameras/yard/tracks", "operator");
            Assert.True(tracks.Status == HttpStatusCode.OK, tracks.Text);

            // The live video over a WebSocket, through the other node: the description, then binary segments.
            using (var socket = new ClientWebSocket())
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + other.Bearer("operator"));
                var wsUri = new UriBuilder(new Uri(other.Address, "v1/cameras/yard/video.ws")) { Scheme = "ws" }.Uri;
                using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await socket.ConnectAsync(wsUri, connecting.Token);
                }
                catch (WebSocketException ex)
                {
                    throw new Xunit.Sdk.XunitException($"{ex.Message}\n--- {runner}:\n{nodes[runner].Output}\n--- other:\n{other.Output}");
                }
                var buffer = new byte[4 << 20];
                using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var hello = await socket.ReceiveAsync(buffer, watching.Token);
                Assert.Equal(WebSocketMessageType.Text, hello.MessageType);
                using var helloJson = System.Text.Json.JsonDocument.Parse(buffer.AsMemory(0, hello.Count));
                Assert.StartsWith("avc1.", helloJson.RootElement.GetProperty("codecs").GetString(), StringComparison.Ordinal);
                var segment = await socket.ReceiveAsync(buffer, watching.Token);
                Assert.Equal(WebSocketMessageType.Binary, segment.MessageType);
                Assert.True(segment.Count > 0);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "seen", CancellationToken.None);
            }

            // A request another node already forwarded is not forwarded again: the camera is taken to be moving.
            using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(other.Address, "v1/cameras/yard/live.jpg")))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", other.Bearer("operator"));
                request.Headers.Add("X-Sightline-Forwarded-By", runner);
                using var response = await other.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
            }

            // The node running the camera is killed. Through the survivor the live view answers 503 with Retry-After
            // while the camera moves (its old node unreachable, or its grain not yet placed), or 404 while it starts
            // there; never another error; then the survivor's own new frames.
            var killed = DateTimeOffset.UtcNow;
            nodes[runner].Kill();
            var seen = new List<HttpStatusCode>();
            DateTimeOffset? frameTime = null;
            var moving = System.Diagnostics.Stopwatch.StartNew();
            while (frameTime is null && moving.Elapsed < TimeSpan.FromSeconds(60))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(other.Address, "v1/cameras/yard/live.jpg"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", other.Bearer("operator"));
                using var response = await other.Http.SendAsync(request);
                string problem = response.StatusCode == HttpStatusCode.OK ? "" : await response.Content.ReadAsStringAsync();
                seen.Add(response.StatusCode);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound,
                    $"{(int)response.StatusCode} {problem}\n--- survivor:\n{other.Output}");
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    Assert.True(response.Headers.RetryAfter is not null, problem);
                var taken = response.StatusCode == HttpStatusCode.OK ? DateTimeOffset.Parse(response.Headers.GetValues("X-Frame-Time").Single(), CultureInfo.InvariantCulture) : default;
                if (taken > killed)
                    frameTime = taken;
                else
                    await Task.Delay(250);
            }
            Assert.True(frameTime is not null, $"no new frame through the survivor in 60 s; answers: {string.Join(' ', seen.Select(s => (int)s))}\n--- survivor:\n{other.Output}");
        }
        finally
        {
            var stops = new List<Func<ValueTask>>();
            if (source is not null)
                stops.Add(source.DisposeAsync);
            stops.AddRange(nodes.Values.Where(n => n != a).Select(n => (Func<ValueTask>)n.DisposeAsync));
            stops.Add(a.DisposeAsync); // last: it owns the shared data directory
            await ServerProcess.StopAllAsync(stops);
        }
    }
}
