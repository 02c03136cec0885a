using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Benchmarks.Live;
using Sightline.Hosting;
using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// Event clips and event retention with the real server: a person walking through a yard streamed on loopback gets
/// a clip that plays as H.264 from a few seconds before the event to a few after, served with ranges; old events go
/// with their files by their camera's retention, except one filed under a held case.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class LiveClipTests
{
    [Fact]
    public async Task An_events_clip_runs_from_before_its_start_to_after_its_end_plays_as_H264_and_is_served_with_ranges()
    {
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        await using var sse = new EventStreamReader(server.Address, server.Bearer("operator"));
        await sse.Opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--size", "640x360", "--retain-days", "7",
            "--data", server.Data.Path).ExitCode);

        // The clip is announced with an 'update' once it is in place (after the end, the post-roll and the encoding).
        var clock = Stopwatch.StartNew();
        JsonElement announced = default;
        while (!sse.Messages.Any(m => m.Type == "update" && m.Data.GetProperty("event").GetProperty("hasClip").GetBoolean()))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(50))
                throw new Xunit.Sdk.XunitException("no clip within 50 s; messages: " + string.Join(", ", sse.Messages.Select(m => m.Type)) + "\n" + server.Output);
            await Task.Delay(100);
        }
        announced = sse.Messages.First(m => m.Type == "update" && m.Data.GetProperty("event").GetProperty("hasClip").GetBoolean()).Data.GetProperty("event");
        string id = announced.GetProperty("id").GetString()!;
        Assert.Contains(sse.Messages, m => m.Type == "end" && m.Data.GetProperty("event").GetProperty("id").GetString() == id);

        var stored = await server.SendAsync(HttpMethod.Get, $"v1/events/{id}", "auditor");
        Assert.True(stored.Body.GetProperty("hasClip").GetBoolean());
        var (start, end) = (stored.Body.GetProperty("startTime").GetDateTimeOffset(), stored.Body.GetProperty("endTime").GetDateTimeOffset());

        // Served whole and by ranges (a browser seeks with them).
        using var whole = await GetClipAsync(server, id, null);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        byte[] clip = await whole.Content.ReadAsByteArrayAsync();
        using var part = await GetClipAsync(server, id, new RangeHeaderValue(100, 1099));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 100-1099/{clip.Length}", part.Content.Headers.ContentRange?.ToString());
        Assert.Equal(clip.AsSpan(100, 1000).ToArray(), await part.Content.ReadAsByteArrayAsync());
        // +faststart: the index comes before the media, so a browser plays before the whole file is in.
        Assert.True(IndexOf(clip, "moov"u8) < IndexOf(clip, "mdat"u8), "moov after mdat");

        using var work = new TempDir();
        string file = Path.Combine(work.Path, "clip.mp4");
        await File.WriteAllBytesAsync(file, clip);
        var (codec, pixels, seconds) = await VideoProbe.ProbeAsync(file);
        Assert.Equal(("h264", "yuv420p"), (codec, pixels));
        // From 5 s before the start to 5 s after the end (the end is known 5 s after the person was last seen).
        double expected = (end - start).TotalSeconds + 5 + 5;
        Assert.InRange(seconds, expected - 2, expected + 1.5);
        Assert.Empty(Directory.GetFiles(Path.Combine(server.Data.Path, "events"), "*.tmp"));

        Assert.Equal(7, (await server.SendAsync(HttpMethod.Get, "v1/cameras/yard")).Body.GetProperty("retainDays").GetInt32());
        var missing = await server.SendAsync(HttpMethod.Get, "v1/events/nothing-here/clip.mp4");
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (missing.Status, missing.ContentType));
    }

    [Fact]
    public async Task Old_events_go_with_their_files_by_their_cameras_retention_and_one_filed_under_a_held_case_stays()
    {
        await using var server = await ServerProcess.StartAsync();
        string data = server.Data.Path, events = Path.Combine(data, "events");
        string scene = await LiveCameraTests.SceneAsync();
        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", new Uri(scene).AbsoluteUri, "--retain-days", "3", "--enabled", "false", "--data", data).ExitCode);
        Assert.Equal(2, SightlineCli.Run("cameras", "update", "yard", "--retain-days", "0", "--data", data).ExitCode);

        // Events as the recorder stores them, made old through the store; each with its snapshot and clip in the file store.
        var now = DateTimeOffset.UtcNow;
        var options = new SightlineOptions { DataDirectory = data, Database = Sightline.Tests.TestDatabase.For(data) };
        using (var services = new ServiceCollection().AddSightline(options).BuildValidated())
        {
            var store = services.GetRequiredService<IEventStore>();
            var files = services.GetRequiredService<IFileStore>();
            foreach (var (id, camera, age) in new[] { ("old", "yard", 10), ("held", "yard", 10), ("recent", "yard", 1), ("orphan", "gone", 40), ("young-orphan", "gone", 10) })
            {
                var start = now.AddDays(-age);
                await store.AddEventAsync(new LiveEventRecord(id, camera, "person", 90, 95, new NormalBox(0.1f, 0.1f, 0.2f, 0.5f), [], start, start.AddSeconds(8), true, true, false, start.AddSeconds(8)),
                    CancellationToken.None);
                await PutAsync(files, $"events/{id}.jpg", [0xFF, 0xD8]);
                await PutAsync(files, $"events/{id}.mp4", [0, 0, 0, 8]);
            }
            // Left by a crash: a clip whose event was deleted just before (stored five days ago).
            await PutAsync(files, "events/deleted-before-crash.mp4", [1]);
            if (options.Database is null)
                File.SetLastWriteTimeUtc((await files.TryGetLocalAsync("events/deleted-before-crash.mp4", CancellationToken.None))!, now.AddDays(-5).UtcDateTime);
            else
                Sightline.Tests.TestDatabase.Execute(data, $"UPDATE files SET written_at = {now.AddDays(-5).ToUnixTimeMilliseconds()} WHERE key = 'events/deleted-before-crash.mp4';");
        }
        // Also left by a crash: an encoder's temporary file, in this server's own events directory.
        Directory.CreateDirectory(events);
        foreach (var (name, age) in new[] { ("cut-off.mp4.tmp", TimeSpan.FromHours(2)), ("being-written.mp4.tmp", TimeSpan.Zero) })
        {
            string path = Path.Combine(events, name);
            await File.WriteAllBytesAsync(path, [1]);
            File.SetLastWriteTimeUtc(path, (now - age).UtcDateTime);
        }

        // Filing under a case: reviewers and administrators, audited; the CLI says whether a hold keeps it.
        var filed = SightlineCli.Run("events", "keep", "held", "--case", "2026-044", "--data", data);
        Assert.Equal(0, filed.ExitCode);
        Assert.Contains("not under legal hold", filed.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, SightlineCli.Run("holds", "place", "2026-044", "--reason", "court order 12", "--data", data).ExitCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Patch, "v1/events/old", "operator", ServerProcess.Json(new { @case = "2026-044" }))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Patch, "v1/events/old", "reviewer", ServerProcess.Json(new { note = "x" }))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Patch, "v1/events/old", "reviewer", ServerProcess.Json(new { @case = "" }))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Patch, "v1/events/nothing", "reviewer", ServerProcess.Json(new { @case = "2026-044" }))).Status);
        var patched = await server.SendAsync(HttpMethod.Patch, "v1/events/old", "reviewer", ServerProcess.Json(new { @case = "2026-045" }));
        Assert.Equal((HttpStatusCode.OK, "2026-045"), (patched.Status, patched.Body.GetProperty("case").GetString()));
        var cleared = await server.SendAsync(HttpMethod.Patch, "v1/events/old", "reviewer", ServerProcess.Json(new { @case = (string?)null }));
        Assert.Equal(JsonValueKind.Null, cleared.Body.GetProperty("case").ValueKind);

        var run = await server.SendAsync(HttpMethod.Post, "v1/retention/runs", "admin");
        Assert.True(run.Status == HttpStatusCode.OK, run.Text);
        var swept = run.Body.GetProperty("events");
        var yard = swept.GetProperty("cameras").EnumerateArray().Single(c => c.GetProperty("camera").GetString() == "yard");
        Assert.Equal((1, 1), (yard.GetProperty("deletedEvents").GetInt32(), yard.GetProperty("heldEvents").GetInt32()));
        var removed = swept.GetProperty("cameras").EnumerateArray().Single(c => c.GetProperty("camera").ValueKind == JsonValueKind.Null);
        Assert.Equal(1, removed.GetProperty("deletedEvents").GetInt32()); // the default 30 days for removed cameras
        Assert.Equal(2, swept.GetProperty("strayFiles").GetInt32());

        var left = SightlineCli.Run("events", "list", "--json", "--data", data).Json().GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()).Order().ToList();
        Assert.Equal(["held", "recent", "young-orphan"], left);
        using (var services = new ServiceCollection().AddSightline(options).BuildValidated())
        {
            var files = await services.GetRequiredService<IFileStore>().ListAsync("events", CancellationToken.None).ToListAsync();
            Assert.Equal(["events/held.jpg", "events/held.mp4", "events/recent.jpg", "events/recent.mp4", "events/young-orphan.jpg", "events/young-orphan.mp4"],
                files.Select(f => f.Key).Order(StringComparer.Ordinal));
        }
        Assert.Equal(["being-written.mp4.tmp"], Directory.GetFiles(events, "*.tmp").Select(Path.GetFileName));

        // Each batch is in the audit chain under the caller, naming what went and what a hold kept.
        var audit = SightlineCli.Run("audit", "list", "--json", "--data", data).Json().EnumerateArray().ToList();
        var sweeps = audit.Where(r => r.GetProperty("operation").GetString() == "ApplyRetention").Select(r => r.GetProperty("details")).ToList();
        Assert.Contains(sweeps, d => d.ToString().Contains("\"old\"", StringComparison.Ordinal) && d.GetProperty("heldEvents").GetInt32() == 1);
        Assert.Contains(sweeps, d => d.ToString().Contains("\"orphan\"", StringComparison.Ordinal));
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "UpdateEvent" && r.GetProperty("case").GetString() == "2026-045");
        Assert.Equal(0, SightlineCli.Run("audit", "verify", "--data", data).ExitCode);
    }

    private static async Task PutAsync(IFileStore files, string key, byte[] content)
    {
        string temp = files.TempPath(key);
        await File.WriteAllBytesAsync(temp, content);
        await files.PutAsync(key, temp, CancellationToken.None);
    }

    private static async Task<HttpResponseMessage> GetClipAsync(ServerProcess server, string id, RangeHeaderValue? range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, $"v1/events/{id}/clip.mp4"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Bearer("operator"));
        request.Headers.Range = range;
        return await server.Http.SendAsync(request);
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> what) => data.AsSpan().IndexOf(what);
}
