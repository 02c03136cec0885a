using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Tests;

/// <summary>A camera's live video over HTTP from a real server: an RTSP camera's H.264 relayed as fragmented MP4 that decodes.</summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // the relay touches no store: run once, on the default database
public sealed class LiveVideoTests
{
    /// <summary>Reads the live video for <paramref name="seconds"/>: the status, the codec header and the bytes.</summary>
    private static async Task<(HttpStatusCode Status, string? Codecs, string? Type, byte[] Bytes)> WatchAsync(ServerProcess server, string camera, string role, double seconds)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, $"v1/cameras/{camera}/video.mp4"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Bearer(role));
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            return (response.StatusCode, null, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
        using var body = await response.Content.ReadAsStreamAsync();
        using var copy = new MemoryStream();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var buffer = new byte[64 * 1024];
        try
        {
            while (await body.ReadAsync(buffer, enough.Token) is > 0 and var n)
                copy.Write(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            // watched long enough
        }
        return (response.StatusCode, response.Headers.TryGetValues("X-Video-Codecs", out var v) ? v.First() : null, response.Content.Headers.ContentType?.MediaType, copy.ToArray());
    }

    [Fact]
    public async Task An_rtsp_cameras_h264_is_relayed_as_it_is_to_several_viewers_and_decodes()
    {
        string scene = await LiveCameraTests.SceneAsync();
        using var work = new TempDir();
        await using var source = await LoopbackStream.RtspAsync(scene, work.Path, loops: 8, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        var added = await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin", ServerProcess.Json(new { name = "gate", url = source.Url, size = "640x360" }));
        Assert.True(added.Status == HttpStatusCode.Created, added.Text);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await server.SendAsync(HttpMethod.Get, "v1/cameras/gate", "operator")).Body.GetProperty("state").GetString() != "streaming" && DateTime.UtcNow < deadline)
            await Task.Delay(250);

        // Two viewers at once (an operator and an auditor: reading is enough), one ffmpeg for both.
        var operatorView = WatchAsync(server, "gate", "operator", 4);
        await Task.Delay(1000);
        var (status, codecs, type, bytes) = await WatchAsync(server, "gate", "auditor", 3);
        var first = await operatorView;
        Assert.Equal((HttpStatusCode.OK, "video/mp4"), (status, type));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Matches("^avc1\\.[0-9a-f]{6}$", codecs);
        foreach (var (name, video) in new[] { ("first", first.Bytes), ("second", bytes) })
        {
            string path = Path.Combine(work.Path, name + ".mp4");
            await File.WriteAllBytesAsync(path, video);
            // The relay copies: the source's own size (the scene is 1280x720), not the 640x360 the camera analyses.
            Assert.Equal("h264,1280,720", Probe(path, out int frames));
            Assert.True(frames >= 20, $"{name} viewer: {frames} frames");
        }

        // The console's transport: a WebSocket, a text message describing the stream, then the segments as binary messages.
        using (var socket = new System.Net.WebSockets.ClientWebSocket())
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + server.Bearer("operator"));
            var wsUri = new UriBuilder(new Uri(server.Address, "v1/cameras/gate/video.ws")) { Scheme = "ws" }.Uri;
            await socket.ConnectAsync(wsUri, CancellationToken.None);
            var buffer = new byte[4 << 20];
            var hello = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Text, hello.MessageType);
            using var helloJson = System.Text.Json.JsonDocument.Parse(buffer.AsMemory(0, hello.Count));
            Assert.Equal(codecs, helloJson.RootElement.GetProperty("codecs").GetString());
            using var received = new MemoryStream();
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                while (true)
                {
                    var message = await socket.ReceiveAsync(buffer, enough.Token);
                    Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Binary, message.MessageType);
                    received.Write(buffer, 0, message.Count);
                }
            }
            catch (OperationCanceledException)
            {
                // watched long enough
            }
            string viaSocket = Path.Combine(work.Path, "socket.mp4");
            await File.WriteAllBytesAsync(viaSocket, received.ToArray());
            Assert.Equal("h264,1280,720", Probe(viaSocket, out int socketFrames));
            Assert.True(socketFrames >= 20, $"WebSocket: {socketFrames} frames");
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Get, "v1/cameras/gate/video.ws", "operator")).Status);

        // The HLS fallback of the same video: a playlist of whole GOPs that ffmpeg, as an HLS player, reads and decodes.
        var playlist = await server.SendAsync(HttpMethod.Get, "v1/cameras/gate/hls/live.m3u8", "operator");
        Assert.Equal((HttpStatusCode.OK, "application/vnd.apple.mpegurl"), (playlist.Status, playlist.ContentType));
        Assert.Contains("#EXT-X-MAP:URI=\"init.mp4\"", playlist.Text, StringComparison.Ordinal);
        Assert.Matches(@"#EXTINF:\d+\.\d{3},\n\d+\.m4s", playlist.Text);
        string hls = Path.Combine(work.Path, "hls.mp4");
        Run("ffmpeg", "-v", "error", "-headers", $"Authorization: Bearer {server.Bearer("operator")}\r\n", "-i", new Uri(server.Address, "v1/cameras/gate/hls/live.m3u8").ToString(),
            "-t", "3", "-c", "copy", "-y", hls);
        Assert.Equal("h264,1280,720", Probe(hls, out int hlsFrames));
        Assert.True(hlsFrames >= 20, $"HLS: {hlsFrames} frames");
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "v1/cameras/gate/hls/999999.m4s", "operator")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Get, "v1/cameras/gate/hls/..%2Fsecret", "operator")).Status);

        // Refusals: no key, an unknown camera, a camera that is not running.
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync(new Uri(server.Address, "v1/cameras/gate/video.mp4"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await WatchAsync(server, "nowhere", "operator", 1)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Patch, "v1/cameras/gate", "admin", ServerProcess.Json(new { enabled = false }))).Status);
        deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode stopped;
        while ((stopped = (await WatchAsync(server, "gate", "operator", 1)).Status) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.Equal(HttpStatusCode.NotFound, stopped);
    }

    private static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), $"{tool} did not finish");
        Assert.True(p.ExitCode == 0, $"{tool} failed: {stderr.Result}");
    }

    /// <summary>ffprobe's codec, width and height of the first video stream, and the frames it decoded.</summary>
    private static string Probe(string path, out int frames)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", path })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        var fields = output.Split(',');
        frames = fields.Length == 4 ? int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return string.Join(',', fields.Take(3));
    }
}
