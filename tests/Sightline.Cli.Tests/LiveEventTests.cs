using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sightline.Benchmarks.Live;
using Sightline.Detectors.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// Events from live streams on loopback: a person walking through a yard (the real default detector) becomes one
/// event per visit, delivered over server-sent events with its zone and snapshot, across a source that dies and comes
/// back; a weapon-like custom detector on an RTSP stream fires a signed webhook alert.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class LiveEventTests
{
    private static async Task UntilAsync(EventStreamReader sse, Func<EventStreamReader, bool> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done(sse))
        {
            if (clock.Elapsed > limit)
                throw new Xunit.Sdk.XunitException($"{what} did not happen within {limit}; messages: {string.Join(", ", sse.Messages.Select(m => m.Type))}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_person_walking_through_is_one_event_per_visit_with_its_zone_and_snapshot_over_sse_and_none_is_lost_or_split_when_the_source_dies()
    {
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        await using var sse = new EventStreamReader(server.Address, server.Bearer("operator"));
        await sse.Opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--zone", "gate=0.3,0,0.7,0,0.7,1,0.3,1:person",
            "--zone", "porch=0.3,0,0.7,0,0.7,1,0.3,1", "--loiter", "porch=2", "--data", server.Data.Path).ExitCode);

        // The first visit: new, updates, end.
        await UntilAsync(sse, s => s.Count("end") >= 1, TimeSpan.FromSeconds(60), "the first visit's end");
        // The source dies in the empty stretch after the visit and comes back; the clip starts again for the new connection.
        await source.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await source.StartAsync(CancellationToken.None);
        await UntilAsync(sse, s => s.Count("end") >= 2, TimeSpan.FromSeconds(60), "the second visit's end");

        var messages = sse.Messages.ToList();
        var news = messages.Where(m => m.Type == "new").Select(m => m.Data.GetProperty("event")).ToList();
        var ends = messages.Where(m => m.Type == "end").Select(m => m.Data.GetProperty("event")).ToList();
        Assert.True(news.Count >= 2, $"{news.Count} new events");
        Assert.Equal(news.Select(e => e.GetProperty("id").GetString()).Distinct().Count(), news.Count);
        // Every message of one event comes after its 'new'; every event ended once.
        Assert.All(ends, e => Assert.Contains(news, n => n.GetProperty("id").GetString() == e.GetProperty("id").GetString()));
        Assert.Equal(ends.Count, ends.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(news, n => Assert.Equal(("yard", "person"), (n.GetProperty("camera").GetString(), n.GetProperty("label").GetString())));
        // Delivered within about a second of the frame that caused it (measured properly by 'sightline bench cameras').
        Assert.All(messages.Where(m => m.Type == "new"), m => Assert.True(m.At - m.Data.GetProperty("frameTime").GetDateTimeOffset() < TimeSpan.FromSeconds(3)));

        // The store holds the same events: one per visit (each seconds long: a visit is not split), none overlapping.
        var listed = SightlineCli.Run("events", "list", "--camera", "yard", "--json", "--data", server.Data.Path).Json().GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(news.Count, listed.Count);
        var spans = listed.Select(e => (Start: e.GetProperty("startTime").GetDateTimeOffset(), End: e.GetProperty("endTime").GetDateTimeOffset())).OrderBy(s => s.Start).ToList();
        Assert.All(spans, s => Assert.InRange((s.End - s.Start).TotalSeconds, 3, 12));
        for (int i = 1; i < spans.Count; i++)
            Assert.True(spans[i].Start > spans[i - 1].End, "two events of the one person overlap");
        // The person stands in the middle for about 3 s: long enough to count as loitering on the porch (2 s), which the
        // gate (no loitering time) counted at once.
        Assert.Contains(messages, m => m.Type == "update" && m.Data.GetProperty("event").GetProperty("loitering").GetBoolean()
            && m.Data.GetProperty("event").GetProperty("currentZones").EnumerateArray().Any(z => z.GetString() == "porch"));
        Assert.All(messages.Where(m => m.Type == "new"), m => Assert.False(m.Data.GetProperty("event").GetProperty("loitering").GetBoolean()));
        foreach (var e in listed.Take(2))
        {
            Assert.Equal(["gate", "porch"], e.GetProperty("zones").EnumerateArray().Select(z => z.GetString()).Order(StringComparer.Ordinal));
            Assert.InRange(e.GetProperty("score").GetDouble(), 60, 100);
            Assert.True(e.GetProperty("hasSnapshot").GetBoolean());
            var snapshot = await server.SendAsync(HttpMethod.Get, $"v1/events/{e.GetProperty("id").GetString()}/snapshot.jpg", "auditor");
            Assert.Equal(HttpStatusCode.OK, snapshot.Status);
            Assert.Equal("image/jpeg", snapshot.ContentType);
        }
        Assert.True((await server.SendAsync(HttpMethod.Get, "v1/cameras/yard")).Body.GetProperty("restarts").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "v1/events/nothing-here/snapshot.jpg")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Get, "v1/events?since=yesterday")).Status);
    }

    [Fact]
    public async Task An_event_left_open_by_a_killed_server_is_ended_when_the_server_starts_again()
    {
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        var first = await ServerProcess.StartAsync();
        string id;
        await using (var sse = new EventStreamReader(first.Address, first.Bearer("operator")))
        {
            await sse.Opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--data", first.Data.Path).ExitCode);
            await UntilAsync(sse, s => s.Count("new") >= 1, TimeSpan.FromSeconds(60), "an event");
            id = sse.Messages.First(m => m.Type == "new").Data.GetProperty("event").GetProperty("id").GetString()!;
            Assert.Equal(0, sse.Count("end"));
        }
        // Killed mid-event: nothing ends it, so the store holds it open until a server starts on the data again.
        await using var second = await first.KillAndRestartAsync();
        var clock = Stopwatch.StartNew();
        JsonElement stored;
        do
        {
            await Task.Delay(250);
            stored = (await second.SendAsync(HttpMethod.Get, $"v1/events/{id}", "operator")).Body;
        }
        while (!Ended(stored) && clock.Elapsed < TimeSpan.FromSeconds(30));
        Assert.True(Ended(stored), stored.ToString());
        Assert.True(stored.GetProperty("endTime").GetDateTimeOffset() >= stored.GetProperty("startTime").GetDateTimeOffset());

        static bool Ended(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("endTime", out var end) && end.ValueKind == JsonValueKind.String;
    }

    [Fact]
    public async Task A_weapon_like_custom_detector_on_an_rtsp_stream_fires_a_signed_webhook_alert()
    {
        string scene = await LiveCameraTests.SceneAsync();
        using var work = new TempDir();
        using var receiver = new WebhookReceiver();
        await using var source = await LoopbackStream.RtspAsync(scene, work.Path, loops: 8, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/detectors", "admin",
            CustomDetectorTests.Registration("weapons", TinyModels.YoloV8(true), "gun\nknife", "yolov8"))).Status);
        var rule = await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(new { label = "gun", minConfidence = 50, webhook = receiver.Url }));
        Assert.Equal(HttpStatusCode.Created, rule.Status);
        string secret = rule.Body.GetProperty("secret").GetString()!;
        var camera = await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin", ServerProcess.Json(new { name = "armory", url = source.Url, labels = new[] { "gun" }, size = "640x360" }));
        Assert.True(camera.Status == HttpStatusCode.Created, camera.Text);

        Assert.True(await receiver.WaitForAsync(r => !r.Received.IsEmpty, TimeSpan.FromSeconds(60)), "no alert reached the webhook");
        var (body, signature, _) = receiver.Received.First();
        var alert = JsonDocument.Parse(body).RootElement;
        Assert.Equal(("gun", "camera:armory"), (alert.GetProperty("label").GetString(), alert.GetProperty("source").GetString()));
        Assert.StartsWith("event:", alert.GetProperty("imageRef").GetString(), StringComparison.Ordinal);
        Assert.Equal(Sightline.Alerts.AlertRules.Sign(secret, body), signature);
        var events = await server.SendAsync(HttpMethod.Get, "v1/events?camera=armory&label=gun", "operator");
        Assert.NotEmpty(events.Body.GetProperty("events").EnumerateArray());
    }
}
