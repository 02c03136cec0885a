using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sightline.Benchmarks.Live;
using Xunit.Abstractions;

namespace Sightline.Cli.Tests;

/// <summary>
/// Live events over MQTT from a person walking through a looped yard clip: the embedded broker (with credentials)
/// carries new → update* → end with before/after, the per-label count and the camera state, retained where they
/// should be; an external mosquitto that is killed and started again gets the events that come after.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // the feed reads the event hub, not the store: run once, on the default database
public sealed class LiveMqttTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_embedded_broker_carries_an_events_life_with_before_and_after_the_count_going_1_then_0_and_retained_availability()
    {
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        int port = FreePort();
        using var secrets = new TempDir();
        string passwordFile = secrets.Write("mqtt-password", "n0t-in-the-logs\n");
        await using var server = await ServerProcess.StartAsync("--mqtt", "embedded", "--mqtt-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--mqtt-username", "viewer", "--mqtt-password-file", passwordFile);

        // Wrong credentials are refused; the right ones are let in and find availability retained.
        await using (var stranger = new MqttRecorder())
            await Assert.ThrowsAnyAsync<Exception>(() => stranger.ConnectAsync(port, TimeSpan.Zero, "viewer", "guess"));
        await using var mqtt = new MqttRecorder();
        await mqtt.ConnectAsync(port, TimeSpan.FromSeconds(20), "viewer", "n0t-in-the-logs");
        await mqtt.UntilAsync(m => m.On("sightline/available").Any(), TimeSpan.FromSeconds(10), "availability");
        var available = mqtt.On("sightline/available").First();
        Assert.Equal(("online", true), (available.Text, available.Retain));

        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--zone", "gate=0.3,0,0.7,0,0.7,1,0.3,1:person", "--data", server.Data.Path).ExitCode);
        await mqtt.UntilAsync(m => m.Events().Any(e => e.Type == "end"), TimeSpan.FromSeconds(60), "the first visit's end");
        await mqtt.UntilAsync(m => m.On("sightline/yard/person").Any(c => c.Text == "0"), TimeSpan.FromSeconds(5), "the count back to 0");

        var events = mqtt.Events().ToList();
        string id = events.First(e => e.Type == "new").Payload.GetProperty("after").GetProperty("id").GetString()!;
        var life = events.Where(e => e.Payload.GetProperty("after").GetProperty("id").GetString() == id).ToList();
        Assert.Equal("new", life[0].Type);
        int end = life.FindIndex(e => e.Type == "end");
        Assert.True(end > 0, string.Join(", ", life.Select(e => e.Type)));
        Assert.All(life.Skip(1).Take(end - 1), e => Assert.Equal("update", e.Type));
        // After the end only the clip's being ready may follow (it is finished a few seconds after the event).
        Assert.All(life.Skip(end + 1), e => Assert.True(e.Type == "update" && e.Payload.GetProperty("after").GetProperty("hasClip").GetBoolean()));
        // Each message's 'before' is the previous message's 'after'.
        for (int i = 1; i < life.Count; i++)
            Assert.Equal(life[i - 1].Payload.GetProperty("after").GetProperty("topScore").GetDouble(), life[i].Payload.GetProperty("before").GetProperty("topScore").GetDouble());
        var after = life[end].Payload.GetProperty("after");
        Assert.Equal(("yard", "person"), (after.GetProperty("camera").GetString(), after.GetProperty("label").GetString()));
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("endTime").ValueKind);
        Assert.Contains("gate", after.GetProperty("enteredZones").EnumerateArray().Select(z => z.GetString()));
        Assert.Equal(4, after.GetProperty("box").GetArrayLength());

        var counts = mqtt.On("sightline/yard/person").ToList();
        Assert.Equal(["1", "0"], counts.Select(c => c.Text).Take(2));
        var snapshot = mqtt.On("sightline/yard/person/snapshot").Last();
        Assert.Equal((0xFF, 0xD8), (snapshot.Payload[0], snapshot.Payload[1]));
        Assert.Contains(mqtt.On("sightline/yard/status"), s => s.Text == "streaming");

        Report(events);
        // A late subscriber gets the retained state at once: online, the count, the camera's state, the snapshot.
        await using var late = new MqttRecorder();
        await late.ConnectAsync(port, TimeSpan.FromSeconds(5), "viewer", "n0t-in-the-logs");
        await late.UntilAsync(m => m.On("sightline/available").Any() && m.On("sightline/yard/person").Any() && m.On("sightline/yard/status").Any()
            && m.On("sightline/yard/person/snapshot").Any(), TimeSpan.FromSeconds(5), "the retained state");
        // (Live messages may follow — the next visit, a clip being ready — but what came first is the retained state.)
        foreach (var topic in new[] { "sightline/available", "sightline/yard/person", "sightline/yard/status", "sightline/yard/person/snapshot" })
            Assert.True(late.On(topic).First().Retain, topic);

        string metrics = await server.Http.GetStringAsync(new Uri(server.Address, "metrics"));
        Assert.Contains("sightline_mqtt_connected 1", metrics, StringComparison.Ordinal);
        Assert.Matches(@"sightline_mqtt_messages_published_total [1-9]", metrics);
        Assert.DoesNotContain("n0t-in-the-logs", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_external_mosquitto_gets_the_events_and_after_it_is_killed_and_started_again_the_server_reconnects_and_later_events_arrive()
    {
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await ServerProcess.StartAsync("--mqtt", broker.Url);
        var mqtt = new MqttRecorder();
        await mqtt.ConnectAsync(broker.Port, TimeSpan.FromSeconds(10));
        await mqtt.UntilAsync(m => m.On("sightline/available").Any(a => a.Text == "online"), TimeSpan.FromSeconds(15), "availability");
        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--data", server.Data.Path).ExitCode);
        await mqtt.UntilAsync(m => m.Events().Any(e => e.Type == "end"), TimeSpan.FromSeconds(60), "the first visit's end");
        var first = mqtt.Events().ToList();
        Assert.Equal("new", first[0].Type);
        Assert.Equal(["1", "0"], mqtt.On("sightline/yard/person").Select(c => c.Text).Take(2));
        Report(first);
        await mqtt.DisposeAsync();

        // The broker dies (retained messages and all) and comes back on the same port.
        broker.Kill();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await broker.RestartAsync();
        await using var again = new MqttRecorder();
        await again.ConnectAsync(broker.Port, TimeSpan.FromSeconds(10));
        // The server's client reconnects: availability and the retained state come back, then the next visit.
        await again.UntilAsync(m => m.On("sightline/available").Any(a => a.Text == "online") && m.On("sightline/yard/status").Any(), TimeSpan.FromSeconds(30), "the reconnection");
        string? before = first.Single(e => e.Type == "end").Payload.GetProperty("after").GetProperty("id").GetString();
        await again.UntilAsync(m => m.Events().Any(e => e.Type == "new" && e.Payload.GetProperty("after").GetProperty("id").GetString() != before), TimeSpan.FromSeconds(40),
            "a visit after the reconnection");
        string metrics = await server.Http.GetStringAsync(new Uri(server.Address, "metrics"));
        Assert.Contains("sightline_mqtt_connected 1", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://broker.lan:1883", "mqtt://")]
    [InlineData("mqtt://broker.lan/sightline", "path")]
    [InlineData("embedded --mqtt-bind localhost", "IP address")]
    [InlineData("embedded --mqtt-username viewer", "username and a password")]
    [InlineData("embedded --mqtt-topic-prefix home/#", "prefix")]
    public void Serve_refuses_mqtt_options_that_name_no_broker_with_one_line_before_it_starts(string mqtt, string expected)
    {
        using var dir = new TempDir();
        var r = SightlineCli.RunWithin(TimeSpan.FromSeconds(60), ["serve", "--urls", $"http://127.0.0.1:{FreePort()}", "--data", dir.Path, "--mqtt", .. mqtt.Split(' ')]);
        Assert.True(r.ExitCode == 2 && r.Stderr.Trim().Split('\n').Length == 1, r.ToString());
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("MQTT", r.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Frame → MQTT latency of each message (the frame time is in the payload); reported, bounded loosely.</summary>
    private void Report(IReadOnlyList<(string Type, JsonElement Payload, DateTimeOffset At)> events)
    {
        var latencies = events.Select(e => (e.At - e.Payload.GetProperty("frameTime").GetDateTimeOffset()).TotalMilliseconds).Order().ToList();
        Assert.NotEmpty(latencies);
        output.WriteLine($"frame → MQTT latency over {latencies.Count} messages: median {latencies[latencies.Count / 2]:F0} ms, max {latencies[^1]:F0} ms");
        Assert.All(latencies, ms => Assert.InRange(ms, -1000, 10_000));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
