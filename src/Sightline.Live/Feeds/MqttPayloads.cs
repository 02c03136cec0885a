using System.Text.Json;
using System.Text.Json.Serialization;
using Sightline.Live.Events;

namespace Sightline.Live.Feeds;

/// <summary>
/// One message on <c>PREFIX/events</c> (Frigate's shape, camelCase): the event before and after the change (the
/// same for 'new'), and the time of the frame that caused it.
/// </summary>
public sealed record MqttEventPayload(string Type, LiveEventView Before, LiveEventView After, DateTimeOffset FrameTime);

/// <summary>A message ready for the broker.</summary>
public sealed record MqttMessage(string Topic, ReadOnlyMemory<byte> Payload, bool Retain, int Qos)
{
    public static MqttMessage Text(string topic, string text, bool retain, int qos) => new(topic, System.Text.Encoding.UTF8.GetBytes(text), retain, qos);

    public static MqttMessage Event(string topic, MqttEventPayload payload, int qos) =>
        new(topic, JsonSerializer.SerializeToUtf8Bytes(payload, MqttJsonContext.Default.MqttEventPayload), false, qos);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MqttEventPayload))]
public sealed partial class MqttJsonContext : JsonSerializerContext;
