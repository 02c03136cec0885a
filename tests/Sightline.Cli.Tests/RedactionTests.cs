using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Sightline.Faces;
using Sightline.Inference;
using Sightline.StoredVideo.Redaction;
using Sightline.Video;

namespace Sightline.Cli.Tests;

/// <summary>The face detector of the default engine, loaded once for the redaction tests that look at every frame.</summary>
public sealed class RedactionFixture : IDisposable
{
    private readonly Lazy<FaceEngine> _engine = new(() =>
    {
        SightlineCli.Fixture("sample1");
        return new FaceEngine(new FaceEngineOptions());
    });

    public FaceEngine Engine => _engine.Value;

    /// <summary>The faces the detector finds on each frame of a video, every frame, in order.</summary>
    public async Task<List<List<RectF>>> FacesPerFrameAsync(string path)
    {
        var info = await Sightline.Video.VideoProbe.ProbeAsync(path, new VideoLimits(), CancellationToken.None);
        var frames = new List<List<RectF>>();
        await foreach (var frame in NativeFrames.ReadAsync(path, info, CancellationToken.None))
            frames.Add([.. Engine.Detector.Detect(frame.Bgr, CancellationToken.None).Select(d => d.Box)]);
        return frames;
    }

    public void Dispose()
    {
        if (_engine.IsValueCreated)
            _engine.Value.Dispose();
    }
}

/// <summary>
/// Redaction of stored video for release, on a clip made by the test (a photo with three faces, panned across a
/// 1280×720 frame for 3 s at 10 fps, with sound): every frame kept, no face left for the detector on any of them,
/// kept persons visible, the audit record, the native job with its review step, and refusals.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // decoding, detection and encoding; its job records and audit lines go through stores the contract suite checks on both providers
public sealed class RedactionTests(RedactionFixture detector) : IClassFixture<RedactionFixture>
{
    /// <summary>sample1 (three faces) panned right to left across 1280×720 over 3 s at 10 fps, with a tone as sound: 30 frames.</summary>
    private static string MakeClip(TempDir dir, string name = "clip.mp4")
    {
        string path = System.IO.Path.Combine(dir.Path, name);
        Ffmpeg("-v", "error", "-y", "-loop", "1", "-i", SightlineCli.Fixture("sample1"), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-vf", "scale=1600:-2,crop=1280:720:x='320*t/3':y=150,setsar=1", "-r", "10", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", path);
        return path;
    }

    internal static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(psi)!;
        string errors = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        Assert.True(ffmpeg.ExitCode == 0, errors);
    }

    /// <summary>Frames (decoded and counted), size and frame rate of the video stream, and the codec of the sound (null when none).</summary>
    private static (int Frames, int Width, int Height, string Rate, string? Audio) Probe(string path)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "-v", "error", "-count_frames", "-show_entries", "stream=codec_type,codec_name,nb_read_frames,width,height,r_frame_rate", "-of", "json", path })
            psi.ArgumentList.Add(a);
        using var probe = Process.Start(psi)!;
        var streams = JsonDocument.Parse(probe.StandardOutput.ReadToEnd()).RootElement.GetProperty("streams").EnumerateArray().ToList();
        probe.WaitForExit();
        var video = streams.Single(s => s.GetProperty("codec_type").GetString() == "video");
        var audio = streams.FirstOrDefault(s => s.GetProperty("codec_type").GetString() == "audio");
        return (int.Parse(video.GetProperty("nb_read_frames").GetString()!, CultureInfo.InvariantCulture), video.GetProperty("width").GetInt32(),
            video.GetProperty("height").GetInt32(), video.GetProperty("r_frame_rate").GetString()!, audio.ValueKind == JsonValueKind.Undefined ? null : audio.GetProperty("codec_name").GetString());
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task Every_frame_is_kept_no_face_is_left_and_the_redaction_is_audited()
    {
        using var dir = new TempDir();
        using var data = new TempDir();
        string clip = MakeClip(dir), output = System.IO.Path.Combine(dir.Path, "released.mp4");
        string before = Sha256(clip);
        var input = Probe(clip);
        Assert.Equal((30, 1280, 720, "10/1", "aac"), input);
        var inputFaces = await detector.FacesPerFrameAsync(clip);
        Assert.Equal(30, inputFaces.Count);
        Assert.All(inputFaces, faces => Assert.True(faces.Count >= 2, $"the clip should show at least two faces on every frame, found {faces.Count}"));

        var log = SightlineCli.Run("--data", data.Path, "video", "redact", clip, "--out", output, "--json").Json();

        Assert.Equal(before, Sha256(clip)); // the source is only read
        Assert.Equal(input, Probe(output)); // same frames, size, rate; the sound kept as AAC
        var outputFaces = await detector.FacesPerFrameAsync(output);
        Assert.Equal(30, outputFaces.Count);
        Assert.True(outputFaces.All(f => f.Count == 0), $"faces left on frames {string.Join(", ", outputFaces.Select((f, i) => (f, i)).Where(x => x.f.Count > 0).Select(x => x.i))}");

        // The log beside the output names both files by SHA-256 and every track; the audit chain names the log by its SHA-256.
        string logPath = System.IO.Path.Combine(dir.Path, "released.redaction.json");
        Assert.True(File.Exists(logPath));
        Assert.Equal(before, log.GetProperty("source").GetProperty("sha256").GetString());
        Assert.Equal(Sha256(output), log.GetProperty("output").GetProperty("sha256").GetString());
        var tracks = log.GetProperty("tracks").EnumerateArray().ToList();
        Assert.True(tracks.Count(t => t.GetProperty("kind").GetString() == "face") >= 3);
        Assert.All(tracks, t => Assert.True(t.GetProperty("coveredFrames").GetInt32() >= t.GetProperty("detectedFrames").GetInt32()));
        var audit = SightlineCli.Run("--data", data.Path, "audit", "list", "--json").Json().EnumerateArray().ToList();
        var entry = Assert.Single(audit, r => r.GetProperty("operation").GetString() == "cli video redact");
        Assert.Equal("sha256:" + before, entry.GetProperty("probe").GetString());
        Assert.Equal("sha256:" + Sha256(logPath), entry.GetProperty("details").GetProperty("log").GetString());
        Assert.Equal("sha256:" + Sha256(output), entry.GetProperty("details").GetProperty("output").GetString());
        Assert.Equal(0, SightlineCli.Run("--data", data.Path, "audit", "verify").ExitCode);
    }

    [Fact]
    public async Task A_kept_person_stays_visible_and_everyone_else_is_blurred()
    {
        using var dir = new TempDir();
        using var data = new TempDir();
        string clip = MakeClip(dir), output = System.IO.Path.Combine(dir.Path, "kept.mp4");
        string previews = System.IO.Path.Combine(dir.Path, "previews");
        var listed = SightlineCli.Run("--data", data.Path, "video", "redact", clip, "--plan-only", "--json", "--previews", previews).Json().GetProperty("tracks").EnumerateArray().ToList();
        Assert.False(File.Exists(output));
        // One picture per track, to tell who each index is.
        Assert.Equal(listed.Select(t => $"track-{t.GetProperty("index").GetInt32()}.jpg").Order(), Directory.GetFiles(previews).Select(System.IO.Path.GetFileName).Order());
        Assert.All(Directory.GetFiles(previews), f => Assert.Equal(new byte[] { 0xFF, 0xD8 }, File.ReadAllBytes(f)[..2]));
        // The plan the CLI listed, with its boxes: the same detector on the same frames gives the same tracks and indexes.
        var plan = await new VideoRedactor(detector.Engine).PlanAsync(clip, new RedactionOptions(), null, CancellationToken.None);
        Assert.Equal(listed.Select(t => (t.GetProperty("index").GetInt32(), t.GetProperty("firstFrame").GetInt32(), t.GetProperty("lastFrame").GetInt32())),
            plan.Tracks.Select(t => (t.Index, t.FirstFrame, t.LastFrame)));
        var kept = plan.Tracks.Where(t => t.Kind == TrackKind.Face).OrderByDescending(t => t.DetectedFrames).First();

        var run = SightlineCli.Run("--data", data.Path, "video", "redact", clip, "--out", output, "--keep-person", kept.Index.ToString(CultureInfo.InvariantCulture), "--blur", "--no-audio");
        Assert.True(run.ExitCode == 0, run.ToString());

        var probe = Probe(output);
        Assert.Equal((30, 1280, 720, "10/1", (string?)null), probe);
        var faces = await detector.FacesPerFrameAsync(output);
        int seen = 0;
        for (int frame = 0; frame < faces.Count; frame++)
        {
            var box = kept.At(frame);
            foreach (var face in faces[frame])
            {
                // Every face still found is the kept person's (its centre inside that track's box on that frame).
                Assert.True(box is { } b && face.CenterX >= b.X && face.CenterX <= b.X + b.Width && face.CenterY >= b.Y && face.CenterY <= b.Y + b.Height,
                    $"frame {frame}: a face at {face} that is not the kept person's");
            }
            if (box is not null && faces[frame].Count > 0)
                seen++;
        }
        Assert.True(seen >= kept.DetectedFrames * 0.9, $"the kept person was found on {seen} of the {kept.DetectedFrames} frames the plan saw them on");
    }

    [Fact]
    public async Task The_native_job_plans_waits_for_review_exports_and_downloads()
    {
        using var videos = new TempDir();
        string clip = MakeClip(videos);
        File.WriteAllText(System.IO.Path.Combine(videos.Path, "notes.mp4"), "not a video at all");
        await using var server = await ServerProcess.StartAsync("--bucket", $"videos={videos.Path}");

        var (status, problem, type) = await server.SendAsync(HttpMethod.Post, "v1/jobs/redaction", content: ServerProcess.Json(new { video = new { bucket = "videos", name = "notes.mp4" } }));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (status, type));
        Assert.Contains("not a video", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (status, problem, _) = await server.SendAsync(HttpMethod.Post, "v1/jobs/redaction", content: ServerProcess.Json(new { video = new { bucket = "videos", name = "clip.mp4" }, regions = new[] { "0.1,0.1,0.2@1-2" } }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("x,y,w,h@from-to", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "v1/jobs/redaction/" + new string('a', 32))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "v1/jobs/redaction/..%2F..%2Fsightline.db/output.mp4")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Post, "v1/jobs/redaction", "operator", ServerProcess.Json(new { video = new { bucket = "videos", name = "clip.mp4" } }))).Status);

        var started = await server.SendAsync(HttpMethod.Post, "v1/jobs/redaction", content: ServerProcess.Json(new
        {
            video = new { bucket = "videos", name = "clip.mp4" }, faces = true, regions = new[] { "0,0,0.1,0.1@0-1" }, audio = true, style = "pixelate",
        }));
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        string id = started.Body.GetProperty("jobId").GetString()!;
        var job = await WaitAsync(server, id, "REVIEW");
        var tracks = job.GetProperty("plan").GetProperty("tracks").EnumerateArray().ToList();
        Assert.True(tracks.Count(t => t.GetProperty("kind").GetString() == "face") >= 3);
        var region = Assert.Single(tracks, t => t.GetProperty("kind").GetString() == "region");
        Assert.Equal((0, 10), (region.GetProperty("firstFrame").GetInt32(), region.GetProperty("lastFrame").GetInt32()));
        Assert.Equal(HttpStatusCode.Conflict, (await server.SendAsync(HttpMethod.Get, $"v1/jobs/redaction/{id}/output.mp4")).Status); // not exported yet

        var (previewStatus, jpeg, previewType) = await server.GetBytesAsync($"v1/jobs/redaction/{id}/preview.jpg?t=1.5");
        Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (previewStatus, previewType));
        Assert.True(jpeg.Length > 10_000 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "preview.jpg is not a JPEG");
        Assert.Equal(HttpStatusCode.BadRequest, (await server.GetBytesAsync($"v1/jobs/redaction/{id}/preview.jpg?t=-1")).Status);

        int unknown = tracks.Count + 5;
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Post, $"v1/jobs/redaction/{id}/export", content: ServerProcess.Json(new { keepPersons = new[] { unknown } }))).Status);
        var exported = await server.SendAsync(HttpMethod.Post, $"v1/jobs/redaction/{id}/export", content: ServerProcess.Json(new { keepPersons = Array.Empty<int>() }));
        Assert.Equal(HttpStatusCode.Accepted, exported.Status);
        job = await WaitAsync(server, id, "SUCCEEDED");

        var (downloaded, video, videoType) = await server.GetBytesAsync($"v1/jobs/redaction/{id}/output.mp4");
        Assert.Equal((HttpStatusCode.OK, "video/mp4"), (downloaded, videoType));
        string local = System.IO.Path.Combine(videos.Path, "downloaded.mp4");
        await File.WriteAllBytesAsync(local, video);
        Assert.Equal(Probe(clip), Probe(local));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(video)), job.GetProperty("output").GetProperty("sha256").GetString());
        Assert.All(await detector.FacesPerFrameAsync(local), faces => Assert.Empty(faces));

        // The export is one audit record, naming the source by its SHA-256.
        var records = SightlineCli.Run("--data", server.Data.Path, "audit", "list", "--json").Json().EnumerateArray().ToList();
        var entry = Assert.Single(records, r => r.GetProperty("operation").GetString() == "RedactVideo");
        Assert.Equal("sha256:" + Sha256(clip), entry.GetProperty("probe").GetString());
        Assert.Equal(server.Keys["admin"].Id, entry.GetProperty("actor").GetString());
    }

    /// <summary>The redaction job once it reaches <paramref name="status"/> (fails on FAILED or after 3 minutes).</summary>
    internal static async Task<JsonElement> WaitAsync(ServerProcess server, string id, string status)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var (code, job) = await server.SendAsync(HttpMethod.Get, $"v1/jobs/redaction/{id}");
            Assert.Equal(HttpStatusCode.OK, code);
            string now = job.GetProperty("status").GetString()!;
            Assert.True(now != "FAILED", job.ToString());
            if (now == status)
                return job;
            await Task.Delay(300);
        }
        throw new Xunit.Sdk.XunitException($"redaction job {id} did not reach {status}");
    }

    [Fact]
    public async Task A_job_stopped_while_planning_is_planned_again_and_its_review_survives_a_restart()
    {
        using var videos = new TempDir();
        string clip = System.IO.Path.Combine(videos.Path, "long.mp4");
        Ffmpeg("-v", "error", "-y", "-loop", "1", "-i", SightlineCli.Fixture("sample1"), "-vf", "scale=960:-2,crop=640:360:x='320*t/15':y=100,setsar=1",
            "-r", "10", "-t", "15", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);
        var server = await ServerProcess.StartAsync("--bucket", $"videos={videos.Path}");
        try
        {
            var started = await server.SendAsync(HttpMethod.Post, "v1/jobs/redaction", content: ServerProcess.Json(new { video = new { bucket = "videos", name = "long.mp4" } }));
            string id = started.Body.GetProperty("jobId").GetString()!;
            var deadline = DateTime.UtcNow.AddMinutes(1);
            JsonElement job;
            do
            {
                await Task.Delay(200);
                job = (await server.SendAsync(HttpMethod.Get, $"v1/jobs/redaction/{id}")).Body;
            }
            while (job.GetProperty("status").GetString() == "PLANNING" && job.GetProperty("progress").ValueKind != JsonValueKind.Number && DateTime.UtcNow < deadline);
            Assert.Equal("PLANNING", job.GetProperty("status").GetString()); // stopped mid-plan, with no shutdown at all

            server = await server.KillAndRestartAsync();
            var planned = await WaitAsync(server, id, "REVIEW");
            Assert.Equal(150, planned.GetProperty("plan").GetProperty("frames").GetInt32());
            server = await server.KillAndRestartAsync();
            var reviewed = await WaitAsync(server, id, "REVIEW");
            Assert.Equal(planned.GetProperty("plan").ToString(), reviewed.GetProperty("plan").ToString());

            Assert.Equal(HttpStatusCode.Accepted, (await server.SendAsync(HttpMethod.Post, $"v1/jobs/redaction/{id}/export", content: ServerProcess.Json(new { verify = true }))).Status);
            var done = await WaitAsync(server, id, "SUCCEEDED");
            var check = done.GetProperty("output").GetProperty("verification");
            Assert.Equal((150, 0), (check.GetProperty("frames").GetInt32(), check.GetProperty("facesNotKept").GetInt32()));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public void Eval_redact_counts_labelled_faces_covered_on_every_frame_and_finds_a_label_no_plan_covers()
    {
        using var dir = new TempDir();
        string photo = SightlineCli.Fixture("sample1");
        var size = OpenCvSharp.Cv2.ImRead(photo).Size();
        var found = SightlineCli.Run("--data", dir.Path, "faces", "detect", photo, "--json").Json().GetProperty("FaceDetails").EnumerateArray()
            .Select(f => f.GetProperty("BoundingBox")).ToList();
        Assert.Equal(3, found.Count);
        string Row(double left, double top, double width, double height) => string.Create(CultureInfo.InvariantCulture,
            $"{System.IO.Path.GetFileName(photo)},{left * size.Width:F0},{top * size.Height:F0},{width * size.Width:F0},{height * size.Height:F0}");
        var rows = found.Select(b => Row(b.GetProperty("Left").GetDouble(), b.GetProperty("Top").GetDouble(), b.GetProperty("Width").GetDouble(), b.GetProperty("Height").GetDouble()));
        string labelled = dir.Write("faces.csv", string.Join('\n', ["file,x,y,w,h", .. rows]) + "\n");
        // A "face" labelled in a corner where there is none: no plan covers it, and the measure must say so.
        string wrong = dir.Write("wrong.csv", string.Join('\n', ["file,x,y,w,h", .. rows, Row(0.01, 0.01, 0.05, 0.05)]) + "\n");

        var right = SightlineCli.Run("--data", dir.Path, "eval", "redact", "--boxes", labelled, "--root", System.IO.Path.GetDirectoryName(photo)!, "--hold", "6", "--json").Json();
        Assert.Equal((6, 18, 18, 0), (right.GetProperty("frames").GetInt32(), right.GetProperty("sightings").GetInt32(), right.GetProperty("covered").GetInt32(), right.GetProperty("left").GetInt32()));
        var missed = SightlineCli.Run("--data", dir.Path, "eval", "redact", "--boxes", wrong, "--root", System.IO.Path.GetDirectoryName(photo)!, "--hold", "6", "--json").Json();
        Assert.Equal((24, 18, 6), (missed.GetProperty("sightings").GetInt32(), missed.GetProperty("covered").GetInt32(), missed.GetProperty("left").GetInt32()));
        Assert.Equal(System.IO.Path.GetFileName(photo), Assert.Single(missed.GetProperty("filesWithFacesLeft").EnumerateArray()).GetString());

        var bad = SightlineCli.Run("--data", dir.Path, "eval", "redact", "--boxes", labelled, "--hold", "0");
        Assert.True(bad.ExitCode != 0 && bad.Stderr.Contains("--hold", StringComparison.Ordinal), bad.ToString());
    }

    [Fact]
    public void Plates_are_covered_on_every_frame()
    {
        using var dir = new TempDir();
        using (var scene = new OpenCvSharp.Mat(720, 1280, OpenCvSharp.MatType.CV_8UC3, new OpenCvSharp.Scalar(90, 95, 100)))
        {
            OpenCvSharp.Cv2.Rectangle(scene, new OpenCvSharp.Rect(440, 300, 420, 200), OpenCvSharp.Scalar.All(245), -1);
            OpenCvSharp.Cv2.Rectangle(scene, new OpenCvSharp.Rect(440, 300, 420, 200), OpenCvSharp.Scalar.All(20), 4);
            OpenCvSharp.Cv2.PutText(scene, "7ABC-123", new OpenCvSharp.Point(468, 450), OpenCvSharp.HersheyFonts.HersheyDuplex, 2.6, OpenCvSharp.Scalar.All(10), 6, OpenCvSharp.LineTypes.AntiAlias);
            scene.SaveImage(System.IO.Path.Combine(dir.Path, "car.png"));
        }
        string clip = System.IO.Path.Combine(dir.Path, "car.mp4"), output = System.IO.Path.Combine(dir.Path, "car-released.mp4");
        // The car drives 60 px to the left in 1 s.
        Ffmpeg("-v", "error", "-y", "-loop", "1", "-i", System.IO.Path.Combine(dir.Path, "car.png"), "-vf", "pad=1340:720:0:0:gray,crop=1280:720:x='60*t':y=0,setsar=1",
            "-r", "10", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);

        var log = SightlineCli.Run("--data", dir.Path, "video", "redact", clip, "--plates", "--out", output, "--json").Json();

        var plate = Assert.Single(log.GetProperty("tracks").EnumerateArray());
        Assert.Equal(("plate", 0, 9, 10), (plate.GetProperty("kind").GetString(), plate.GetProperty("firstFrame").GetInt32(), plate.GetProperty("lastFrame").GetInt32(),
            plate.GetProperty("coveredFrames").GetInt32()));
        Assert.Equal(10, Probe(output).Frames);
        foreach (var (video, plates) in new[] { (clip, 1), (output, 0) })
        {
            string frame = System.IO.Path.Combine(dir.Path, "frame.png");
            Ffmpeg("-v", "error", "-y", "-ss", "0.5", "-i", video, "-frames:v", "1", frame);
            var read = SightlineCli.Run("--data", dir.Path, "plates", "read", frame, "--json").Json();
            Assert.Equal(plates, read.GetProperty("plates").GetArrayLength());
        }
    }

    [Fact]
    public void Bad_input_is_refused_with_one_line()
    {
        using var dir = new TempDir();
        string text = dir.Write("notes.mp4", "not a video at all");
        void Refused(string expected, params string[] args)
        {
            var r = SightlineCli.Run(["--data", dir.Path, "video", "redact", .. args]);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        }
        Refused("not a video", text, "--out", System.IO.Path.Combine(dir.Path, "out.mp4"));
        Refused("x,y,w,h@from-to", text, "--out", "o.mp4", "--region", "0.1,0.2,0.3@1-2");
        Refused("x,y,w,h@from-to", text, "--out", "o.mp4", "--region", "0.1,0.2,0.3,0.4@2");
        Refused("inside the frame", text, "--out", "o.mp4", "--region", "0.9,0.2,0.3,0.4@1-2");
        Refused("0 ≤ from < to", text, "--out", "o.mp4", "--region", "0.1,0.2,0.3,0.4@5-2");
        Refused("--out is required", text);
        Refused("does not exist", System.IO.Path.Combine(dir.Path, "missing.mp4"), "--out", "o.mp4");
        Assert.False(File.Exists(System.IO.Path.Combine(dir.Path, "out.mp4")));

        string clip = MakeClip(dir);
        Refused("no track 99", clip, "--out", System.IO.Path.Combine(dir.Path, "out.mp4"), "--keep-person", "99");
        Refused("replace the source", clip, "--out", clip);
        Assert.False(File.Exists(System.IO.Path.Combine(dir.Path, "out.mp4")));
    }

    [Fact]
    public void A_face_missed_for_a_few_frames_is_covered_through_the_gap_and_beyond_its_ends()
    {
        long order = 0;
        var builder = new TrackBuilder(TrackKind.Face, maxGap: 4, () => order++);
        // Seen on frames 2 and 3, missed on 4–6 (three frames), seen on 7 moving right 10 px a frame; another face far away on frame 5.
        for (int frame = 0; frame < 20; frame++)
        {
            var boxes = new List<RectF>();
            if (frame is 2 or 3 or 7)
                boxes.Add(RectF.FromXywh(100 + 10 * frame, 100, 40, 40));
            if (frame == 5)
                boxes.Add(RectF.FromXywh(500, 300, 40, 40));
            builder.Add(frame, boxes);
        }
        var tracks = builder.Finish().OrderBy(t => t.Order).ToList();
        Assert.Equal(2, tracks.Count);
        Assert.Equal([2, 3, 7], tracks[0].Seen.Select(s => s.Frame));

        var covered = TrackCoverage.Cover(0, tracks[0], extend: 2, margin: 0.25f, frames: 9, width: 640, height: 480);
        Assert.Equal((0, 8, 3, 9), (covered.FirstFrame, covered.LastFrame, covered.DetectedFrames, covered.CoveredFrames));
        Assert.Equal(Enumerable.Range(0, 9), covered.Boxes.Select(b => b.Frame));
        // Frame 5 lies between the sightings on 3 (x 130) and 7 (x 170): x 150, with 10 px of margin each side.
        Assert.Equal(new TrackBox(5, 140, 90, 60, 60), covered.At(5));
        Assert.Equal(covered.At(2)!.Value with { Frame = 0 }, covered.At(0)); // held where it was first seen
        Assert.Equal(new TrackBox(8, 160, 90, 60, 60), covered.At(8)); // clipped to the video's last frame

        // A gap longer than maxGap starts another track.
        var apart = new TrackBuilder(TrackKind.Face, maxGap: 2, () => order++);
        apart.Add(0, [RectF.FromXywh(10, 10, 40, 40)]);
        apart.Add(4, [RectF.FromXywh(10, 10, 40, 40)]);
        Assert.Equal(2, apart.Finish().Count);
    }

    [Fact]
    public void Regions_parse_in_fractions_and_seconds()
    {
        Assert.Equal(new ManualRegion(0.1f, 0.2f, 0.3f, 0.25f, 2, 7.5), ManualRegion.Parse("0.1,0.2,0.3,0.25@2-7.5"));
        Assert.Equal(new ManualRegion(0, 0, 1, 1), ManualRegion.Parse(" 0, 0, 1, 1 "));
        var whole = TrackCoverage.Region(4, ManualRegion.Parse("0.5,0.5,0.5,0.5@1-2"), fps: 10, frames: 100, width: 200, height: 100);
        Assert.Equal((4, TrackKind.Region, 10, 20), (whole.Index, whole.Kind, whole.FirstFrame, whole.LastFrame));
        Assert.Equal(new TrackBox(10, 100, 50, 100, 50), whole.At(10));
        foreach (string bad in new[] { "", "1,2,3", "a,b,c,d", "0.1,0.1,0.1,0.1@", "0.1,0.1,0.1,0.1@2-1", "0.1,0.1,0.1,0.1@1-2@3", "0.5,0.5,0.6,0.1", "-0.1,0,0.5,0.5", "NaN,0,0.5,0.5" })
            Assert.Equal(ErrorKind.InvalidParameter, Assert.Throws<SightlineException>(() => ManualRegion.Parse(bad)).Kind);
    }
}
