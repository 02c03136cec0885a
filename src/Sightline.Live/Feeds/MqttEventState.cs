using System.Globalization;
using Sightline.Live.Events;

namespace Sightline.Live.Feeds;

/// <summary>What one event message becomes on MQTT, and whether its snapshot goes out too.</summary>
public sealed record MqttChange(IReadOnlyList<MqttMessage> Messages, LiveEventView? Snapshot);

/// <summary>
/// Turns the hub's event messages into MQTT messages: keeps the last view of each open event (the 'before' of the
/// next message) and the count of open events per camera and label (published retained when it changes). A message
/// for an event it has not seen start (the feed began mid-event) opens it; an update after an event's end (its clip
/// is ready) does not. One reader only.
/// </summary>
public sealed class MqttEventState(MqttTopics topics, int qos)
{
    private readonly Dictionary<string, LiveEventView> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Camera, string Label), int> _counts = [];

    public int Open => _open.Count;

    public int Count(string camera, string label) => _counts.GetValueOrDefault((camera, label));

    public MqttChange Apply(LiveEventMessage message)
    {
        var after = message.Event;
        bool known = _open.TryGetValue(after.Id, out var before);
        var messages = new List<MqttMessage>(2);
        LiveEventView? snapshot = null;
        string type = message.Type;
        if (message.Type == "end")
        {
            _open.Remove(after.Id);
            if (known)
                messages.Add(CountChanged(after, -1));
            snapshot = after.HasSnapshot ? after : null;
        }
        else if (after.EndTime is not null)
        {
            // A change after the end (its clip is ready): carried on the events topic, but the event stays closed.
            _open.Remove(after.Id);
        }
        else
        {
            _open[after.Id] = after;
            if (!known)
            {
                messages.Add(CountChanged(after, +1));
                snapshot = after.HasSnapshot ? after : null;
            }
        }
        messages.Insert(0, MqttMessage.Event(topics.Events, new MqttEventPayload(type, before ?? after, after, message.FrameTime), qos));
        return new MqttChange(messages, snapshot);
    }

    public MqttMessage SnapshotMessage(LiveEventView view, byte[] jpeg) => new(topics.Snapshot(view.Camera, view.Label), jpeg, true, qos);

    private MqttMessage CountChanged(LiveEventView view, int delta)
    {
        var key = (view.Camera, view.Label);
        int count = Math.Max(0, _counts.GetValueOrDefault(key) + delta);
        _counts[key] = count;
        return MqttMessage.Text(topics.Count(view.Camera, view.Label), count.ToString(CultureInfo.InvariantCulture), true, qos);
    }
}
