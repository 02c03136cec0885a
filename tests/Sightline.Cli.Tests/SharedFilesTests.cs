using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Sightline.Benchmarks.Live;
using Sightline.Detectors.Tests;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// Two servers on one PostgreSQL database, each with a data directory of its own (two machines sharing only the
/// database and the secrets): a detector model registered through one is run through the other, a redaction planned
/// through one, exported through the other, is downloaded through the first, and each serves the event files the other recorded.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // starts its own PostgreSQL server whichever database the suite runs on: run once
public sealed class SharedFilesTests : IDisposable
{
    private readonly PostgresServer _postgres = new();

    public void Dispose() => _postgres.Dispose();

    [Fact]
    public async Task Servers_with_data_directories_of_their_own_serve_each_others_detector_models_and_redactions()
    {
        string database = _postgres.CreateDatabase("shared_files");
        using var videos = new TempDir();
        string clip = Path.Combine(videos.Path, "clip.mp4");
        RedactionTests.Ffmpeg("-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);
        string bucket = $"videos={videos.Path}";
        await using var a = await ServerProcess.StartOnAsync(database, "--bucket", bucket);
        await using var b = await a.StartPeerWithOwnDataAsync("--database", database, "--secrets", Path.Combine(a.Data.Path, "secrets"), "--bucket", bucket);
        Assert.NotEqual(a.Data.Path, b.Data.Path);

        // A detector registered through A detects through B: B loads the model from the database.
        var (created, _) = await a.SendAsync(HttpMethod.Post, "v1/detectors", "admin", CustomDetectorTests.Registration("weapons", TinyModels.YoloV8(true), "gun\nknife", "yolov8"));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Empty(Directory.GetFiles(b.Data.Path, "weapons*", SearchOption.AllDirectories));
        var image = new ByteArrayContent(CustomDetectorTests.Png());
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var (detected, result) = await b.SendAsync(HttpMethod.Post, "v1/detectors/weapons/detect", "analyst", image);
        Assert.True(detected == HttpStatusCode.OK, result.ToString());
        Assert.Equal(["gun", "knife"], result.GetProperty("customLabels").EnumerateArray().Select(l => l.GetProperty("name").GetString()));

        // A redaction planned through A is reviewed and exported through B, and its output downloaded through A.
        var started = await a.SendAsync(HttpMethod.Post, "v1/jobs/redaction", content: ServerProcess.Json(new
        {
            video = new { bucket = "videos", name = "clip.mp4" }, faces = false, regions = new[] { "0,0,0.5,0.5@0-1" },
        }));
        Assert.True(started.Status == HttpStatusCode.Accepted, started.Text);
        string id = started.Body.GetProperty("jobId").GetString()!;
        var planned = await RedactionTests.WaitAsync(b, id, "REVIEW");
        Assert.Single(planned.GetProperty("plan").GetProperty("tracks").EnumerateArray());
        Assert.Equal(HttpStatusCode.Accepted, (await b.SendAsync(HttpMethod.Post, $"v1/jobs/redaction/{id}/export", content: ServerProcess.Json(new { keepPersons = Array.Empty<int>() }))).Status);
        var done = await RedactionTests.WaitAsync(a, id, "SUCCEEDED");
        var (downloaded, video, type) = await a.GetBytesAsync($"v1/jobs/redaction/{id}/output.mp4");
        Assert.Equal((HttpStatusCode.OK, "video/mp4"), (downloaded, type));
        Assert.Equal(done.GetProperty("output").GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(video)));
        var (logged, log, _) = await a.GetBytesAsync($"v1/jobs/redaction/{id}/redaction.json");
        Assert.Equal(HttpStatusCode.OK, logged);
        Assert.Equal(done.GetProperty("output").GetProperty("logSha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(log)));
    }

    [Fact]
    public async Task Every_server_serves_the_snapshots_clips_and_paths_of_events_another_server_recorded()
    {
        string database = _postgres.CreateDatabase("shared_events");
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var a = await ServerProcess.StartOnAsync(database);
        await using var b = await a.StartPeerWithOwnDataAsync("--node", "other", "--database", database, "--secrets", Path.Combine(a.Data.Path, "secrets"));
        // Servers that are not a cluster each watch every camera: each records its own events (ids of its own making).
        Assert.Equal(0, SightlineCli.Run("--database", database, "--data", a.Data.Path, "cameras", "add", "yard", "--url", source.Url, "--detect", "person",
            "--size", "640x360").ExitCode);

        var clock = Stopwatch.StartNew();
        List<JsonElement> events;
        while (true)
        {
            events = [.. (await a.SendAsync(HttpMethod.Get, "v1/events?camera=yard", "auditor")).Body.GetProperty("events").EnumerateArray()];
            if (events.Count(e => e.GetProperty("hasClip").GetBoolean()) >= 2 || (events.Any(e => e.GetProperty("hasClip").GetBoolean()) && clock.Elapsed > TimeSpan.FromSeconds(60)))
                break;
            if (clock.Elapsed > TimeSpan.FromSeconds(120))
                throw new Xunit.Sdk.XunitException($"no clip within 120 s ({events.Count} events)\n{a.Output}\n{b.Output}");
            await Task.Delay(500);
        }
        foreach (var e in events.Where(e => e.GetProperty("hasClip").GetBoolean()))
        {
            string id = e.GetProperty("id").GetString()!;
            foreach (string file in new[] { "snapshot.jpg", "clip.mp4", "path" })
            {
                var (fromA, bytesA, _) = await a.GetBytesAsync($"v1/events/{id}/{file}", "operator");
                var (fromB, bytesB, _) = await b.GetBytesAsync($"v1/events/{id}/{file}", "operator");
                Assert.True((fromA, fromB) == (HttpStatusCode.OK, HttpStatusCode.OK), $"{id}/{file}: {fromA} through one server, {fromB} through the other");
                Assert.Equal(bytesA, bytesB);
            }
        }
    }
}
