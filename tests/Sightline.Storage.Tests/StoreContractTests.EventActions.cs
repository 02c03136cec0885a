namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Actions_on_an_event_are_kept_in_order_set_its_handling_filter_the_list_and_go_with_it()
    {
        await S.Cameras.AddCameraAsync(Tester, Camera("front"), Ct);
        await S.Events.AddEventAsync(LiveEvent("a", "front", T0), Ct);
        await S.Events.AddEventAsync(LiveEvent("b", "front", T0.AddMinutes(1)), Ct);
        Assert.Equal(EventActions.New, (await S.Events.GetEventAsync("a", Ct))!.Handling);

        Assert.True(await S.Events.AddEventActionAsync(Tester, new EventAction("a", EventActions.Acknowledge, "K1", T0.AddMinutes(2), null), Ct));
        Assert.True(await S.Events.AddEventActionAsync(Tester, new EventAction("a", EventActions.Note, "K2", T0.AddMinutes(3), "Gate 4: “unknown” van, see ünïcode"), Ct));
        Assert.True(await S.Events.AddEventActionAsync(Tester, new EventAction("b", EventActions.Escalate, "K1", T0.AddMinutes(4), "to patrol"), Ct));
        Assert.False(await S.Events.AddEventActionAsync(Tester, new EventAction("nowhere", EventActions.Acknowledge, "K1", T0, null), Ct));

        var actions = await Open().Events.ListEventActionsAsync("a", Ct);
        Assert.Equal([new EventAction("a", EventActions.Acknowledge, "K1", T0.AddMinutes(2), null), new EventAction("a", EventActions.Note, "K2", T0.AddMinutes(3), "Gate 4: “unknown” van, see ünïcode")], actions);
        Assert.Empty(await S.Events.ListEventActionsAsync("nowhere", Ct));
        // A note leaves the handling as the last acknowledge or escalate made it.
        Assert.Equal("acknowledged", (await S.Events.GetEventAsync("a", Ct))!.Handling);
        Assert.Equal(["b"], (await S.Events.ListEventsAsync(new EventQuery { Handling = "escalated" }, Ct)).Select(e => e.Id));
        Assert.Equal(["a"], (await S.Events.ListEventsAsync(new EventQuery { Handling = "acknowledged" }, Ct)).Select(e => e.Id));
        Assert.Empty(await S.Events.ListEventsAsync(new EventQuery { Handling = EventActions.New }, Ct));

        // Retention takes the event's actions with it (the audit chain keeps the record of them).
        Assert.Equal(["a", "b"], (await S.Events.SweepEventsAsync(Tester, "front", T0.AddDays(1), 10, Ct)).Deleted);
        Assert.Empty(await S.Events.ListEventActionsAsync("a", Ct));
        Assert.Empty(await S.Events.ListEventActionsAsync("b", Ct));
    }
}
