using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MQTTnet;

namespace Sightline.Cli.Tests;

/// <summary>An MQTT subscriber to <c>sightline/#</c> that keeps every message with the time it arrived.</summary>
public sealed class MqttRecorder : IAsyncDisposable
{
    private IMqttClient? _client;

    public ConcurrentQueue<Received> Messages { get; } = new();

    public sealed record Received(string Topic, byte[] Payload, bool Retain, DateTimeOffset At)
    {
        public string Text => Encoding.UTF8.GetString(Payload);

        public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
    }

    /// <summary>Connects (trying for up to <paramref name="limit"/>: the broker may still be starting) and subscribes.</summary>
    public async Task ConnectAsync(int port, TimeSpan limit, string? username = null, string? password = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += e =>
            {
                Messages.Enqueue(new Received(e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain, DateTimeOffset.UtcNow));
                return Task.CompletedTask;
            };
            try
            {
                var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("test-" + Guid.NewGuid().ToString("N")).WithTimeout(TimeSpan.FromSeconds(5));
                if (username is not null)
                    builder = builder.WithCredentials(username, password);
                await client.ConnectAsync(builder.Build());
                await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("sightline/#").Build());
                _client = client;
                return;
            }
            catch (Exception) when (clock.Elapsed < limit)
            {
                client.Dispose();
                await Task.Delay(250);
            }
        }
    }

    public IEnumerable<Received> On(string topic) => Messages.Where(m => m.Topic == topic);

    public IEnumerable<(string Type, JsonElement Payload, DateTimeOffset At)> Events() =>
        On("sightline/events").Select(m => (m.Json.GetProperty("type").GetString()!, m.Json, m.At));

    public async Task UntilAsync(Func<MqttRecorder, bool> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done(this))
        {
            if (clock.Elapsed > limit)
                throw new Xunit.Sdk.XunitException($"{what} did not happen within {limit}; topics: {string.Join(", ", Messages.Select(m => m.Topic == "sightline/events" ? m.Json.GetProperty("type").GetString() : m.Topic))}");
            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        return ValueTask.CompletedTask;
    }
}
