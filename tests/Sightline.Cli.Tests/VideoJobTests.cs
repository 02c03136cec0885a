using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>Stored-video jobs on a real server: the native jobs resource, and a job that survives SIGKILL.</summary>
[Collection(CliCollection.Name)]
public sealed class VideoJobTests
{
    /// <summary>An H.264 clip of one sample photo, 1280×720 at 10 fps, made with ffmpeg.</summary>
    private static string MakeClip(TempDir dir, string fixture, int seconds)
    {
        string path = System.IO.Path.Combine(dir.Path, $"{fixture}-{seconds}s.mp4");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-loop", "1", "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", SightlineCli.Fixture(fixture),
            "-vf", "scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1", "-r", "10", "-c:v", "libx264", "-pix_fmt", "yuv420p", path })
            psi.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(psi)!;
        string errors = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        Assert.True(ffmpeg.ExitCode == 0, errors);
        return path;
    }

    private static async Task<JsonElement> SendAsync(ServerProcess server, HttpMethod method, string path, object? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.Address, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Bearer("admin"));
        if (json is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
        using var response = await server.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> FinishedAsync(ServerProcess server, string jobId, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            var job = await SendAsync(server, HttpMethod.Get, $"v1/jobs/{jobId}");
            if (job.GetProperty("jobStatus").GetString() != "IN_PROGRESS")
                return job;
            await Task.Delay(500);
        }
        throw new Xunit.Sdk.XunitException($"job {jobId} did not finish within {limit}");
    }

    [Fact]
    public async Task A_job_accepted_before_a_kill_is_run_to_the_end_after_restart()
    {
        using var videos = new TempDir();
        MakeClip(videos, "sample5", 30);
        var server = await ServerProcess.StartAsync("--bucket", $"videos={videos.Path}");
        try
        {
            var started = await SendAsync(server, HttpMethod.Post, "v1/jobs/face-detection", new { video = new { bucket = "videos", name = "sample5-30s.mp4" }, jobTag = "kill" });
            string jobId = started.GetProperty("jobId").GetString()!;
            await Task.Delay(1500);
            Assert.Equal("IN_PROGRESS", (await SendAsync(server, HttpMethod.Get, $"v1/jobs/{jobId}")).GetProperty("jobStatus").GetString());

            server = await server.KillAndRestartAsync();
            var job = await FinishedAsync(server, jobId, TimeSpan.FromMinutes(4));
            Assert.Equal("SUCCEEDED", job.GetProperty("jobStatus").GetString());
            Assert.Equal("kill", job.GetProperty("jobTag").GetString());
            var faces = job.GetProperty("faces").EnumerateArray().ToList();
            var timestamps = faces.Select(f => f.GetProperty("timestamp").GetInt64()).Distinct().ToList();
            Assert.InRange(timestamps.Count, 140, 151); // 5 frames a second over 30 s, every one analysed
            Assert.True(timestamps.Max() >= 29_000);
            Assert.Equal(1280, job.GetProperty("videoMetadata").GetProperty("frameWidth").GetInt32());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_job_whose_server_died_is_taken_over_by_another_server_on_the_same_database_once_its_lease_runs_out()
    {
        using var videos = new TempDir();
        MakeClip(videos, "sample1", 60); // three faces a frame: the 900 detections fit on the first page
        var a = await ServerProcess.StartAsync("--bucket", $"videos={videos.Path}", "--node", "node-a");
        ServerProcess? b = null;
        try
        {
            b = await a.StartPeerAsync("--bucket", $"videos={videos.Path}", "--node", "node-b");
            var started = await SendAsync(a, HttpMethod.Post, "v1/jobs/face-detection", new { video = new { bucket = "videos", name = "sample1-60s.mp4" } });
            string jobId = started.GetProperty("jobId").GetString()!;
            // node-b looks for jobs every 5 s and finds this one leased to node-a.
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.Equal("IN_PROGRESS", (await SendAsync(b, HttpMethod.Get, $"v1/jobs/{jobId}")).GetProperty("jobStatus").GetString());
            Assert.DoesNotContain($"video job {jobId}", b.Output, StringComparison.Ordinal);

            a.Kill();
            var job = await FinishedAsync(b, jobId, TimeSpan.FromMinutes(4));
            Assert.Equal("SUCCEEDED", job.GetProperty("jobStatus").GetString());
            var timestamps = job.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("timestamp").GetInt64()).Distinct().ToList();
            Assert.InRange(timestamps.Count, 290, 301); // 5 frames a second over 60 s, every one analysed
            Assert.Contains($"video job {jobId} SUCCEEDED", b.Output, StringComparison.Ordinal);
        }
        finally
        {
            if (b is not null)
                await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    [Fact]
    [Trait("Store", "Agnostic")] // the same job store as the kill test above, which runs on both providers
    public async Task Label_text_segment_and_person_jobs_accepted_before_a_kill_each_run_to_the_end_after_restart()
    {
        using var videos = new TempDir();
        MakeClip(videos, "sample1", 10);
        var server = await ServerProcess.StartAsync("--bucket", $"videos={videos.Path}");
        try
        {
            var video = new { bucket = "videos", name = "sample1-10s.mp4" };
            var jobs = new Dictionary<string, string>();
            foreach (var (route, body) in new (string, object)[]
            {
                ("person-tracking", new { video }),
                ("label-detection", new { video, minConfidence = 60 }),
                ("text-detection", new { video }),
                ("segment-detection", new { video, segmentTypes = new[] { "SHOT", "TECHNICAL_CUE" } }),
            })
                jobs[route] = (await SendAsync(server, HttpMethod.Post, "v1/jobs/" + route, body)).GetProperty("jobId").GetString()!;
            await Task.Delay(1000);
            // Killed while work remains: on a quiet machine the first job may already be done, not all four.
            var states = new List<string>();
            foreach (string id in jobs.Values)
                states.Add((await SendAsync(server, HttpMethod.Get, $"v1/jobs/{id}")).GetProperty("jobStatus").GetString()!);
            Assert.Contains("IN_PROGRESS", states);

            server = await server.KillAndRestartAsync();
            var done = new Dictionary<string, JsonElement>();
            foreach (var (route, id) in jobs)
            {
                done[route] = await FinishedAsync(server, id, TimeSpan.FromMinutes(4));
                Assert.True(done[route].GetProperty("jobStatus").GetString() == "SUCCEEDED", $"{route}: {done[route]}");
            }
            // Three people in the photo, each followed for the whole still clip (5 frames a second over 10 s).
            var persons = done["person-tracking"].GetProperty("persons").EnumerateArray().ToList();
            var perIndex = persons.GroupBy(p => p.GetProperty("person").GetProperty("index").GetInt64()).ToList();
            Assert.Equal(3, perIndex.Count);
            Assert.All(perIndex, g => Assert.InRange(g.Count(), 45, 51));
            var labels = done["label-detection"].GetProperty("labels").EnumerateArray().ToList();
            Assert.InRange(labels.Where(l => l.GetProperty("label").GetProperty("name").GetString() == "Person").Select(l => l.GetProperty("timestamp").GetInt64()).Distinct().Count(), 45, 51);
            // A still clip is one shot of every frame.
            var segments = done["segment-detection"].GetProperty("segments").EnumerateArray().ToList();
            var shot = Assert.Single(segments);
            Assert.Equal(0, shot.GetProperty("startFrameNumber").GetInt64());
            long end = shot.GetProperty("endFrameNumber").GetInt64(); // ffmpeg's -loop may add a frame or two past 10 s
            Assert.InRange(end, 99, 102);
            Assert.Equal($"00:00:{(end + 1) / 10:00}:{(end + 1) % 10:00}", shot.GetProperty("endTimecodeSMPTE").GetString());
            Assert.True(done["text-detection"].TryGetProperty("textModelVersion", out _));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    [Trait("Store", "Agnostic")] // the same job store as the kill test above, which runs on both providers
    public async Task A_plate_reading_job_reads_each_vehicle_once_and_keeps_only_the_hotlist_hit()
    {
        using var videos = new TempDir();
        File.Copy(await LivePlateTests.ClipAsync(), Path.Combine(videos.Path, "gate.mp4"));
        await using var server = await ServerProcess.StartAsync("--bucket", $"videos={videos.Path}");
        using var receiver = new WebhookReceiver();
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Put, "v1/hotlists/stolen/entries/7ABC-123", "admin",
            ServerProcess.Json(new { reason = "Reported stolen 2026-12-01" }))).Status);
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/detectors", "admin",
            CustomDetectorTests.Registration("vehicles", LivePlateTests.VehicleDetector(), "vehicle", "yolov8"))).Status);
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin",
            ServerProcess.Json(new { label = "hotlist:stolen", minConfidence = 50, webhook = receiver.Url }))).Status);

        var refused = await server.SendAsync(HttpMethod.Post, "v1/jobs/plate-reading", "admin", ServerProcess.Json(new { video = new { bucket = "videos", name = "gate.mp4" }, labels = new[] { "person" } }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        var started = await SendAsync(server, HttpMethod.Post, "v1/jobs/plate-reading", new { video = new { bucket = "videos", name = "gate.mp4" }, labels = new[] { "vehicle" } });
        var job = await FinishedAsync(server, started.GetProperty("jobId").GetString()!, TimeSpan.FromMinutes(4));
        Assert.True(job.GetProperty("jobStatus").GetString() == "SUCCEEDED", job.ToString());
        Assert.Equal(1, job.GetProperty("vehiclesRead").GetInt32()); // one vehicle, read once however long it stays
        var hit = Assert.Single(job.GetProperty("hits").EnumerateArray());
        Assert.Equal(("7ABC123", "stolen", "7ABC123", 0), (hit.GetProperty("plate").GetString(), hit.GetProperty("list").GetString(),
            hit.GetProperty("listedPlate").GetString(), hit.GetProperty("distance").GetInt32()));
        Assert.True(await receiver.WaitForAsync(r => !r.Received.IsEmpty, TimeSpan.FromSeconds(30)), "the hit raised no alert");

        // Off the list, the same video keeps nothing: the read is only counted.
        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, "v1/hotlists/stolen/entries/7ABC123", "admin")).Status);
        var again = await SendAsync(server, HttpMethod.Post, "v1/jobs/plate-reading", new { video = new { bucket = "videos", name = "gate.mp4" }, labels = new[] { "vehicle" } });
        var clean = await FinishedAsync(server, again.GetProperty("jobId").GetString()!, TimeSpan.FromMinutes(4));
        Assert.Equal((1, 0), (clean.GetProperty("vehiclesRead").GetInt32(), clean.GetProperty("hits").GetArrayLength()));
    }

    [Fact]
    [Trait("Store", "Agnostic")] // the same job store as the kill test above, which runs on both providers
    public void Bench_video_times_each_kind_against_its_models_alone_at_any_parallelism()
    {
        using var videos = new TempDir();
        string clip = MakeClip(videos, "sample1", 2);
        string data = Path.Combine(videos.Path, "data");
        var runs = new[] { "2", "1" }.Select(p =>
        {
            var result = SightlineCli.Run("bench", "video", clip, "--kinds", "LabelDetection", "SegmentDetection", "--parallelism", p, "--json", "--data", data);
            Assert.True(result.ExitCode == 0, result.ToString());
            return result.Json().EnumerateArray().ToDictionary(r => r.GetProperty("kind").GetString()!);
        }).ToList();
        foreach (var rows in runs)
        {
            var labels = rows["LabelDetection"];
            Assert.InRange(labels.GetProperty("frames").GetInt32(), 10, 12); // 2 s (ffmpeg's -loop may add a frame or two) at 5 frames a second
            Assert.True(labels.GetProperty("modelSeconds").GetDouble() > 0, labels.ToString());
            Assert.True(labels.GetProperty("overModels").GetDouble() > 0, labels.ToString());
            var segments = rows["SegmentDetection"];
            Assert.InRange(segments.GetProperty("frames").GetInt32(), 20, 23); // every frame at 10 fps
            Assert.Equal(JsonValueKind.Null, segments.GetProperty("overModels").ValueKind); // no model: histograms only
        }
        var bad = SightlineCli.Run("bench", "video", clip, "--parallelism", "0", "--data", data);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--parallelism", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Store", "Agnostic")] // the same job store as the kill test above, which runs on both providers
    public async Task Video_plates_on_the_cli_prints_the_hotlist_hit_of_the_one_vehicle()
    {
        using var dir = new TempDir();
        string clip = await LivePlateTests.ClipAsync();
        string model = Path.Combine(dir.Path, "vehicles.onnx");
        File.WriteAllBytes(model, LivePlateTests.VehicleDetector());
        string labels = dir.Write("labels.txt", "vehicle\n");
        string data = Path.Combine(dir.Path, "data");
        var registered = SightlineCli.Run("detectors", "register", "vehicles", "--model", model, "--labels", labels, "--layout", "yolov8", "--data", data);
        Assert.True(registered.ExitCode == 0, registered.ToString());
        var listed = SightlineCli.Run("hotlists", "add", "stolen", "7ABC-123", "--reason", "Reported stolen", "--data", data);
        Assert.True(listed.ExitCode == 0, listed.ToString());

        var result = SightlineCli.Run("video", "plates", clip, "--labels", "vehicle", "--json", "--data", data);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(1, json.GetProperty("vehiclesRead").GetInt32());
        var hit = Assert.Single(json.GetProperty("hits").EnumerateArray());
        Assert.Equal(("7ABC123", "stolen"), (hit.GetProperty("plate").GetString(), hit.GetProperty("list").GetString()));

        var bad = SightlineCli.Run("video", "plates", clip, "--labels", "person", "--data", data);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--labels", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Face_search_jobs_need_the_search_role_and_find_enrolled_faces()
    {
        using var videos = new TempDir();
        MakeClip(videos, "sample1", 2);
        await using var server = await ServerProcess.StartAsync("--bucket", $"videos={videos.Path}");
        await SendAsync(server, HttpMethod.Post, "v1/collections", new { collectionId = "video" });
        using (var upload = new ByteArrayContent(File.ReadAllBytes(SightlineCli.Fixture("sample1"))))
        {
            upload.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var index = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "v1/collections/video/faces")) { Content = upload };
            index.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Bearer("admin"));
            Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(index)).StatusCode);
        }

        using var denied = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "v1/jobs/face-search"))
        {
            Content = new StringContent("""{"video":{"bucket":"videos","name":"sample1-2s.mp4"},"collectionId":"video"}""", Encoding.UTF8, "application/json"),
        };
        denied.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Bearer("operator"));
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Http.SendAsync(denied)).StatusCode);

        var started = await SendAsync(server, HttpMethod.Post, "v1/jobs/face-search", new { video = new { bucket = "videos", name = "sample1-2s.mp4" }, collectionId = "video", faceMatchThreshold = 99 });
        var job = await FinishedAsync(server, started.GetProperty("jobId").GetString()!, TimeSpan.FromMinutes(2));
        Assert.Equal("SUCCEEDED", job.GetProperty("jobStatus").GetString());
        var persons = job.GetProperty("persons").EnumerateArray().ToList();
        Assert.Equal(3, persons.Select(p => p.GetProperty("person").GetProperty("index").GetInt64()).Distinct().Count());
        Assert.All(persons, p => Assert.True(p.GetProperty("faceMatches")[0].GetProperty("similarity").GetSingle() >= 95));

        // The job's matches are leads for review under the case and purpose it was started with (the key's defaults).
        var matched = persons.SelectMany(p => p.GetProperty("faceMatches").EnumerateArray()).Select(m => m.GetProperty("face").GetProperty("faceId").GetString()).ToHashSet();
        var (status, body) = await server.SendAsync(HttpMethod.Get, "v1/leads?case=TEST-1", "reviewer");
        Assert.Equal(HttpStatusCode.OK, status);
        var leads = body.GetProperty("leads").EnumerateArray().ToList();
        Assert.Equal(matched, leads.Select(l => l.GetProperty("subjectId").GetString()).ToHashSet());
        Assert.All(leads, l => Assert.Equal(("pending", "investigation", "video"),
            (l.GetProperty("status").GetString(), l.GetProperty("purpose").GetString(), l.GetProperty("collectionId").GetString())));
    }
}
