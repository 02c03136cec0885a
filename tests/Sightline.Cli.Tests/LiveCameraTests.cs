using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Tests;

/// <summary>
/// Cameras on real network streams on loopback (ffmpeg serving MJPEG over HTTP, GStreamer's RTSP server): added by the
/// CLI to a running server, beside a camera that cannot connect, through a source that dies and comes back.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class LiveCameraTests
{
    private static readonly SemaphoreSlim s_sceneGate = new(1, 1);

    /// <summary>The generated scene (a person walks through a still yard), made once per machine.</summary>
    public static async Task<string> SceneAsync()
    {
        await s_sceneGate.WaitAsync();
        try
        {
            return await SceneClip.PersonWalksThroughAsync(SightlineCli.Fixture("sample1"), Path.Combine(Path.GetTempPath(), "sightline-scene-person-v1.mp4"), CancellationToken.None);
        }
        finally
        {
            s_sceneGate.Release();
        }
    }

    private static async Task<JsonElement> CameraAsync(ServerProcess server, string name)
    {
        var reply = await server.SendAsync(HttpMethod.Get, $"v1/cameras/{name}", "operator");
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Text);
        return reply.Body;
    }

    /// <summary>Polls the camera until <paramref name="done"/> holds; the camera as last seen and how long it took.</summary>
    private static async Task<(JsonElement Camera, TimeSpan After)> UntilAsync(ServerProcess server, string name, Func<JsonElement, bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        JsonElement camera = default;
        while (clock.Elapsed < limit)
        {
            camera = await CameraAsync(server, name);
            if (done(camera))
                return (camera, clock.Elapsed);
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"camera {name} did not get there within {limit}: {camera}");
    }

    private static string State(JsonElement c) => c.GetProperty("state").GetString()!;

    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>ffmpeg processes whose command line holds <paramref name="text"/>.</summary>
    private static int FfmpegsWith(string text) => Directory.EnumerateDirectories("/proc").Count(dir =>
    {
        try
        {
            string cmd = File.ReadAllText(Path.Combine(dir, "cmdline"));
            // A camera's own ffmpeg (frames to its stdout), not the loopback source serving the same URL.
            return cmd.StartsWith("ffmpeg", StringComparison.Ordinal) && cmd.Contains(text, StringComparison.Ordinal) && cmd.Contains("pipe:1", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    });

    [Fact]
    public async Task A_camera_added_by_the_cli_streams_beside_a_broken_one_survives_its_source_dying_and_stops_when_removed()
    {
        string scene = await SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        string data = server.Data.Path;

        var added = Stopwatch.StartNew();
        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person,car", "--zone", "gate=0.3,0,0.7,0,0.7,1,0.3,1:person", "--data", data).ExitCode);
        var broken = SightlineCli.Run("cameras", "add", "broken", "--url", $"rtsp://viewer:hunter2@127.0.0.1:{ClosedPort()}/live", "--data", data);
        Assert.Equal(0, broken.ExitCode);
        Assert.DoesNotContain("hunter2", broken.Stdout, StringComparison.Ordinal);

        // The running server picks the CLI's change up within seconds and reports on it.
        var (_, pickedUp) = await UntilAsync(server, "yard", c => State(c) != "idle", TimeSpan.FromSeconds(15));
        Assert.True(added.Elapsed < TimeSpan.FromSeconds(8), $"the server reported on the new camera {added.Elapsed.TotalSeconds:0.0} s after it was added");
        var (yard, _) = await UntilAsync(server, "yard", c => State(c) == "streaming" && c.GetProperty("framesReceived").GetInt64() >= 15
            && c.GetProperty("measuredFps").GetDouble() is > 3.5 and < 6.5, TimeSpan.FromSeconds(30));
        Assert.Equal((1280, 720), (yard.GetProperty("width").GetInt32(), yard.GetProperty("height").GetInt32()));
        Assert.Equal(0, yard.GetProperty("framesDropped").GetInt64());

        string metrics = await server.Http.GetStringAsync(new Uri(server.Address, "metrics"));
        Assert.Contains("sightline_camera_frames_total{camera=\"yard\",outcome=\"received\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("sightline_camera_streaming{camera=\"yard\"} 1", metrics, StringComparison.Ordinal);

        // The broken camera shows why, keeps retrying, and the good one does not notice.
        var (bad, _) = await UntilAsync(server, "broken", c => State(c) == "error" && c.GetProperty("restarts").GetInt32() >= 2, TimeSpan.FromSeconds(20));
        Assert.Equal("connection refused", bad.GetProperty("reason").GetString());
        Assert.True(bad.GetProperty("hasCredentials").GetBoolean());
        Assert.Equal("streaming", State(await CameraAsync(server, "yard")));

        // Credentials are nowhere to be read: not in the API, the CLI's list, the server's log or the database.
        var listed = await server.SendAsync(HttpMethod.Get, "v1/cameras", "auditor");
        var cliList = SightlineCli.Run("cameras", "list", "--json", "--data", data);
        Assert.Equal(2, cliList.Json().GetProperty("cameras").GetArrayLength());
        string stored = Convert.ToString(Sightline.Tests.TestDatabase.Scalar(data, "SELECT group_concat(settings) FROM cameras;", "SELECT string_agg(settings, ',') FROM cameras;"),
            System.Globalization.CultureInfo.InvariantCulture) ?? "";
        Assert.Contains("aesgcm:v1:", stored, StringComparison.Ordinal);
        foreach (var text in new[] { listed.Text, cliList.Stdout, server.Output, stored })
            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);

        // The source dies: the camera says so, and streams again when the source comes back.
        long before = (await CameraAsync(server, "yard")).GetProperty("framesReceived").GetInt64();
        await source.StopAsync();
        var (lost, _) = await UntilAsync(server, "yard", c => State(c) is "reconnecting" or "error", TimeSpan.FromSeconds(30));
        Assert.NotNull(lost.GetProperty("reason").GetString());
        await source.StartAsync(CancellationToken.None);
        var (back, _) = await UntilAsync(server, "yard", c => State(c) == "streaming" && c.GetProperty("framesReceived").GetInt64() > before + 10, TimeSpan.FromSeconds(40));
        Assert.True(back.GetProperty("restarts").GetInt32() >= 1);

        // Removed through the API, the camera's ffmpeg is gone within seconds; the other camera goes on.
        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, "v1/cameras/yard")).Status);
        var removed = Stopwatch.StartNew();
        while (FfmpegsWith(source.Url) > 0 && removed.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(200);
        Assert.Equal(0, FfmpegsWith(source.Url));
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "v1/cameras/yard")).Status);
        Assert.Equal("error", State(await CameraAsync(server, "broken")));
        // Its metric series went with it; the other camera's stay.
        string after = await server.Http.GetStringAsync(new Uri(server.Address, "metrics"));
        for (var gone = Stopwatch.StartNew(); after.Contains("camera=\"yard\"", StringComparison.Ordinal) && gone.Elapsed < TimeSpan.FromSeconds(15);)
        {
            await Task.Delay(250); // the worker leaves the list once its stop has finished
            after = await server.Http.GetStringAsync(new Uri(server.Address, "metrics"));
        }
        Assert.DoesNotContain("camera=\"yard\"", after, StringComparison.Ordinal);
        Assert.Contains("sightline_camera_streaming{camera=\"broken\"} 0", after, StringComparison.Ordinal);
        Assert.True(pickedUp < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task An_rtsp_camera_streams_over_tcp_and_udp_and_takes_new_settings_while_running()
    {
        string scene = await SceneAsync();
        using var work = new TempDir();
        await using var source = await LoopbackStream.RtspAsync(scene, work.Path, loops: 8, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        foreach (var (name, transport) in new[] { ("tcp-cam", "tcp"), ("udp-cam", "udp") })
        {
            var reply = await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin", ServerProcess.Json(new { name, url = source.Url, rtspTransport = transport, size = "640x360" }));
            Assert.True(reply.Status == HttpStatusCode.Created, reply.Text);
        }
        foreach (var name in new[] { "tcp-cam", "udp-cam" })
        {
            // Steady at the detect rate once the stream has settled (the first second may come in a burst).
            var (camera, _) = await UntilAsync(server, name, c => State(c) == "streaming" && c.GetProperty("framesReceived").GetInt64() >= 10
                && c.GetProperty("measuredFps").GetDouble() is > 3.5 and < 6.5, TimeSpan.FromSeconds(30));
            Assert.Equal((640, 360), (camera.GetProperty("width").GetInt32(), camera.GetProperty("height").GetInt32()));
        }

        // A change of rate restarts the camera with it.
        var changed = await server.SendAsync(HttpMethod.Patch, "v1/cameras/tcp-cam", "admin", ServerProcess.Json(new { fps = 2 }));
        Assert.True(changed.Status == HttpStatusCode.OK, changed.Text);
        var (slower, _) = await UntilAsync(server, "tcp-cam", c => State(c) == "streaming" && c.GetProperty("measuredFps").GetDouble() is > 1 and < 3, TimeSpan.FromSeconds(30));
        Assert.Equal(2, slower.GetProperty("fps").GetDouble());

        // Operators see cameras; only administrators change them.
        var refused = await server.SendAsync(HttpMethod.Post, "v1/cameras", "operator", ServerProcess.Json(new { name = "x", url = source.Url }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        var bad = await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin", ServerProcess.Json(new { name = "y", url = source.Url, fps = 30 }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("fps", bad.Text, StringComparison.Ordinal);
        var file = await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin", ServerProcess.Json(new { name = "z", url = "file:///etc/passwd" }));
        Assert.Equal(HttpStatusCode.BadRequest, file.Status);
        Assert.Contains("CLI", file.Text, StringComparison.Ordinal);
    }
}

/// <summary><c>sightline bench cameras</c> end to end on one short count: it reports what the docs cite.</summary>
/// <remarks>It uses the store only as every camera does (covered on both databases elsewhere): run once, on the default.</remarks>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")]
public sealed class BenchCamerasTests
{
    [Fact]
    public async Task The_camera_benchmark_measures_frames_resources_and_event_latency()
    {
        string scene = await LiveCameraTests.SceneAsync();
        using var data = new TempDir();
        var run = SightlineCli.RunWithin(TimeSpan.FromMinutes(4), "bench", "cameras", scene, "--cameras", "2", "--seconds", "8", "--size", "640x360", "--json", "--data", data.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(run.Json().GetProperty("rows").EnumerateArray());
        Assert.Equal(2, row.GetProperty("cameras").GetInt32());
        Assert.InRange(row.GetProperty("analysedFpsPerCamera").GetDouble(), 3, 7);
        Assert.True(row.GetProperty("received").GetInt64() > 60);
        Assert.True(row.GetProperty("cpuPercent").GetDouble() > 0);
        Assert.True(row.GetProperty("rssMb").GetDouble() > row.GetProperty("baseRssMb").GetDouble() - 1);
        // PSS divides shared library pages among the processes: never above RSS, and well above nothing.
        Assert.InRange(row.GetProperty("pssMb").GetDouble(), 50, row.GetProperty("rssMb").GetDouble() + 1);
        // The scene has a person in it for 8 of every 14 s: in 8 s each camera sees one come, move or go.
        Assert.True(row.GetProperty("messages").GetInt32() > 0, run.Stdout);
        Assert.True(row.GetProperty("latencyP95Ms").GetDouble() > 0);
    }
}
