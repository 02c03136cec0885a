using System.Text;
using System.Text.Json;
using Sightline.Live.Events;
using Sightline.Live.Feeds;

namespace Sightline.Live.Tests;

/// <summary>The MQTT topic tree, the payloads a feed publishes for an event's life, and the options' checks.</summary>
public sealed class MqttFeedTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch.AddDays(20000);

    private static LiveEventView View(string id, float topScore, DateTimeOffset? end = null, string label = "person") =>
        new(id, "yard", label, topScore - 2, topScore, [0.1f, 0.2f, 0.3f, 0.9f], ["gate"], ["gate"], T0, end, true, false, false);

    [Fact]
    public void Topics_follow_the_prefix_and_labels_become_single_safe_levels()
    {
        var topics = new MqttTopics("home/sightline");
        Assert.Equal("home/sightline/available", topics.Available);
        Assert.Equal("home/sightline/events", topics.Events);
        Assert.Equal("home/sightline/yard/status", topics.Status("yard"));
        Assert.Equal("home/sightline/yard/traffic_light", topics.Count("yard", "traffic light"));
        Assert.Equal("home/sightline/yard/a_b_c/snapshot", topics.Snapshot("yard", "a/b+c"));
        Assert.Equal("_", MqttTopics.Segment(""));
        Assert.Null(MqttTopics.PrefixProblem("sightline"));
        foreach (string bad in new[] { "", "/sightline", "sightline/", "a//b", "a/#", "a/+/b", "with space" })
            Assert.NotNull(MqttTopics.PrefixProblem(bad));
    }

    [Fact]
    public void An_events_life_is_new_then_updates_then_end_with_before_and_after_and_a_retained_count_that_goes_up_and_down()
    {
        var state = new MqttEventState(new MqttTopics("sightline"), qos: 1);
        var opened = state.Apply(new LiveEventMessage("new", View("e1", 80), T0));
        var updated = state.Apply(new LiveEventMessage("update", View("e1", 90), T0.AddSeconds(1)));
        var second = state.Apply(new LiveEventMessage("new", View("e2", 70), T0.AddSeconds(1)));
        var ended = state.Apply(new LiveEventMessage("end", View("e1", 90, T0.AddSeconds(4)), T0.AddSeconds(4)));

        var first = Payload(opened.Messages[0]);
        Assert.Equal("sightline/events", opened.Messages[0].Topic);
        Assert.Equal(("new", "e1"), (first.GetProperty("type").GetString(), first.GetProperty("after").GetProperty("id").GetString()));
        Assert.Equal(80, first.GetProperty("before").GetProperty("topScore").GetDouble());
        Assert.Equal(T0, first.GetProperty("frameTime").GetDateTimeOffset());
        Assert.Equal(4, first.GetProperty("after").GetProperty("box").GetArrayLength());
        Assert.Equal("gate", first.GetProperty("after").GetProperty("currentZones")[0].GetString());
        Assert.True(first.GetProperty("after").GetProperty("hasSnapshot").GetBoolean());
        Assert.Equal(("sightline/yard/person", "1", true), Text(opened.Messages[1]));
        Assert.Equal("e1", opened.Snapshot?.Id);

        var update = Payload(updated.Messages.Single());
        Assert.Equal(("update", 80.0, 90.0), (update.GetProperty("type").GetString(), update.GetProperty("before").GetProperty("topScore").GetDouble(),
            update.GetProperty("after").GetProperty("topScore").GetDouble()));
        Assert.Null(updated.Snapshot);
        Assert.Equal(("sightline/yard/person", "2", true), Text(second.Messages[1]));

        var end = Payload(ended.Messages[0]);
        Assert.Equal(JsonValueKind.Null, end.GetProperty("before").GetProperty("endTime").ValueKind);
        Assert.Equal(T0.AddSeconds(4), end.GetProperty("after").GetProperty("endTime").GetDateTimeOffset());
        Assert.Equal(("sightline/yard/person", "1", true), Text(ended.Messages[1]));
        Assert.Equal("e1", ended.Snapshot?.Id);
        Assert.All(ended.Messages, m => Assert.Equal(1, m.Qos));
        Assert.False(ended.Messages[0].Retain);
        Assert.Equal(1, state.Open);

        // Its clip ready after the end: an update on the events topic, but the event stays closed and uncounted.
        var clipReady = state.Apply(new LiveEventMessage("update", View("e1", 90, T0.AddSeconds(4)), T0.AddSeconds(9)));
        Assert.Equal("sightline/events", clipReady.Messages.Single().Topic);
        Assert.Null(clipReady.Snapshot);
        Assert.Equal((1, 1), (state.Open, state.Count("yard", "person")));
    }

    [Fact]
    public void An_event_first_seen_mid_life_opens_and_an_end_never_seen_open_does_not_count_down()
    {
        var state = new MqttEventState(new MqttTopics("sightline"), qos: 0);
        var late = state.Apply(new LiveEventMessage("update", View("e9", 75), T0));
        Assert.Equal(("sightline/yard/person", "1", true), Text(late.Messages[1]));
        var stray = state.Apply(new LiveEventMessage("end", View("e8", 75, T0), T0));
        Assert.Single(stray.Messages);
        Assert.Equal(1, state.Count("yard", "person"));
    }

    [Theory]
    [InlineData("http://broker:1883", "mqtt://")]
    [InlineData("mqtts://broker:8883", "mqtt://")]
    [InlineData("broker:1883", "mqtt://")]
    [InlineData("mqtt://broker/topic", "path")]
    [InlineData(null, "URL")]
    public void An_external_broker_url_that_is_not_mqtt_is_refused_with_a_clear_message(string? url, string expected)
    {
        var problems = new MqttOptions { Mode = MqttMode.External, Url = url }.Problems();
        Assert.Contains(expected, Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Broker_urls_carry_host_port_and_credentials_which_never_appear_in_their_text()
    {
        var address = MqttBrokerAddress.Parse("mqtt://cam%40home:s3cr%3At@broker.lan:1884");
        Assert.Equal(("broker.lan", 1884, "cam@home", "s3cr:t"), (address.Host, address.Port, address.Username, address.Password));
        Assert.DoesNotContain("s3cr", address.ToString(), StringComparison.Ordinal);
        Assert.Equal(MqttOptions.DefaultPort, MqttBrokerAddress.Parse("mqtt://broker").Port);
        var options = new MqttOptions { Mode = MqttMode.External, Url = "mqtt://user:pass@127.0.0.1:1883", Password = "other-secret" };
        Assert.Empty((options with { Password = null }).Problems());
        Assert.DoesNotContain("pass", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("other-secret", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("mqtt://127.0.0.1:1883", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_broker_options_are_checked()
    {
        Assert.Empty(new MqttOptions().Problems());
        Assert.Empty(new MqttOptions { Mode = MqttMode.Off, Port = -1 }.Problems());
        Assert.Contains("IP address", Assert.Single(new MqttOptions { Bind = "localhost" }.Problems()), StringComparison.Ordinal);
        Assert.Contains("port", Assert.Single(new MqttOptions { Port = 70000 }.Problems()), StringComparison.Ordinal);
        Assert.Contains("username and a password", Assert.Single(new MqttOptions { Username = "cam" }.Problems()), StringComparison.Ordinal);
        Assert.Empty(new MqttOptions { Username = "cam", Password = "pw" }.Problems());
        Assert.Contains("QoS", Assert.Single(new MqttOptions { EventsQos = 3 }.Problems()), StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Single(new MqttOptions { Username = "cam", PasswordFile = "/nonexistent/pw" }.Problems()), StringComparison.Ordinal);
    }

    private static JsonElement Payload(MqttMessage message) => JsonDocument.Parse(message.Payload).RootElement;

    private static (string Topic, string Text, bool Retain) Text(MqttMessage message) => (message.Topic, Encoding.UTF8.GetString(message.Payload.Span), message.Retain);
}
