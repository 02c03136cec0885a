using Sightline.Live.Events;

namespace Sightline.Live.Tests;

/// <summary>The hub's fan-out: local messages reach every subscriber, relayed ones (other nodes' cameras) only those that asked.</summary>
public sealed class EventHubTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch.AddDays(20000);

    private static LiveEventMessage Message(string id, string camera) =>
        new("new", new LiveEventView(id, camera, "person", 80, 82, [0.1f, 0.2f, 0.3f, 0.9f], [], [], T0, null, false, false, false), T0);

    private static List<string> Drain(EventHub.Subscription subscription)
    {
        var ids = new List<string>();
        while (subscription.Reader.TryRead(out var message))
            ids.Add(message.Event.Id);
        return ids;
    }

    [Fact]
    public void Relayed_messages_go_only_to_subscribers_that_include_them_and_local_ones_to_all()
    {
        var hub = new EventHub();
        using var local = hub.Subscribe();
        using var all = hub.Subscribe(includeRelayed: true);
        Assert.False(local.IncludesRelayed);
        Assert.True(all.IncludesRelayed);

        hub.Publish(Message("here", "yard"));
        hub.PublishRelayed(Message("there", "gate"));

        Assert.Equal(["here"], Drain(local));
        Assert.Equal(["here", "there"], Drain(all));
    }

    [Fact]
    public void A_disposed_subscriber_receives_nothing_more_and_is_no_longer_counted()
    {
        var hub = new EventHub();
        var all = hub.Subscribe(includeRelayed: true);
        Assert.Equal(1, hub.Subscribers);
        all.Dispose();
        hub.PublishRelayed(Message("there", "gate"));
        Assert.Equal(0, hub.Subscribers);
        Assert.False(all.Reader.TryRead(out _));
        Assert.True(all.Reader.Completion.IsCompleted);
    }
}
