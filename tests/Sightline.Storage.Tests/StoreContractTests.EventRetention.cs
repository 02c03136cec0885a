namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task An_event_is_filed_under_a_case_and_taken_out_again_and_its_updates_leave_the_case_and_clip_alone()
    {
        await S.Events.AddEventAsync(LiveEvent("a", "front", T0), Ct);
        var filed = await S.Events.SetEventCaseAsync(Entry("UpdateEvent"), "a", "2026-017", Ct);
        var expected = LiveEvent("a", "front", T0) with { Case = "2026-017" };
        Assert.Equal(expected, filed! with { Zones = expected.Zones });
        Assert.Equal("2026-017", (await Open().Events.GetEventAsync("a", Ct))!.Case);
        Assert.Equal("2026-017", Assert.Single(await S.Events.ListEventsAsync(new EventQuery(), Ct)).Case);

        // The recorder's copy knows neither the case nor a clip finished meanwhile: its update keeps both.
        await S.Events.SetEventClipAsync("a", Ct);
        await S.Events.UpdateEventAsync(LiveEvent("a", "front", T0) with { EndTime = T0.AddSeconds(20), HasClip = false }, Ct);
        var read = (await S.Events.GetEventAsync("a", Ct))!;
        Assert.Equal((T0.AddSeconds(20), true, "2026-017"), (read.EndTime, read.HasClip, read.Case));

        Assert.Null((await S.Events.SetEventCaseAsync(Entry("UpdateEvent"), "a", null, Ct))!.Case);
        Assert.Null((await S.Events.GetEventAsync("a", Ct))!.Case);
        int before = (await AuditLogAsync()).Count;
        Assert.Null(await S.Events.SetEventCaseAsync(Entry("UpdateEvent"), "missing", "2026-017", Ct));
        await S.Events.SetEventClipAsync("missing", Ct);
        var log = await AuditLogAsync();
        Assert.Equal(before, log.Count);
        Assert.Equal(["[\"a\",\"2026-017\"]", "[\"a\"]"], log.TakeLast(2).Select(r => r.Entry.Details));
    }

    /// <summary>
    /// Camera front (events a: old; b: old, held case; c: old, case without hold; d: recent) and camera gone, removed
    /// (e: old; f: old, held case), and camera back (g: old).
    /// </summary>
    private async Task SeedEventRetentionAsync()
    {
        await S.Cameras.AddCameraAsync(Tester, Camera("front"), Ct);
        await S.Cameras.AddCameraAsync(Tester, Camera("back"), Ct);
        foreach (var (id, camera, days) in new[] { ("a", "front", 0), ("b", "front", 1), ("c", "front", 2), ("d", "front", 40), ("e", "gone", 0), ("f", "gone", 1), ("g", "back", 0) })
            await S.Events.AddEventAsync(LiveEvent(id, camera, T0.AddDays(days)), Ct);
        await S.Events.SetEventCaseAsync(Tester, "b", "held", Ct);
        await S.Events.SetEventCaseAsync(Tester, "f", "held", Ct);
        await S.Events.SetEventCaseAsync(Tester, "c", "open", Ct);
        await S.Retention.PlaceHoldAsync(Tester, new LegalHold("held", "court order", "admin", T0), Ct);
    }

    [Fact]
    public async Task A_sweep_deletes_only_a_cameras_old_events_that_no_hold_keeps_and_records_each_batch()
    {
        await SeedEventRetentionAsync();
        int before = (await AuditLogAsync()).Count;
        var entry = Entry("ApplyRetention", actor: "system:retention");

        var first = await S.Events.SweepEventsAsync(entry, "front", T0.AddDays(30), 1, Ct);
        Assert.Equal(("front", 1), (first.Camera, first.Held));
        Assert.Equal(["a"], first.Deleted); // oldest first, one batch
        var second = await S.Events.SweepEventsAsync(entry, "front", T0.AddDays(30), 10, Ct);
        Assert.Equal(["c"], second.Deleted); // filed under a case that has no hold: retention applies
        Assert.Equal(1, second.Held);
        var empty = await S.Events.SweepEventsAsync(entry, "front", T0.AddDays(30), 10, Ct);
        Assert.Empty(empty.Deleted);

        // Events of cameras that no longer exist: only those.
        var orphans = await S.Events.SweepEventsAsync(entry, null, T0.AddDays(30), 10, Ct);
        Assert.Equal(["e"], orphans.Deleted);
        Assert.Equal((null, 1), (orphans.Camera, orphans.Held));
        Assert.Equal(["b", "d", "f", "g"], (await S.Events.ListEventsAsync(new EventQuery(), Ct)).Select(e => e.Id).Order());
        Assert.Equal(["b", "d", "f", "g"], (await S.Events.ExistingEventsAsync(["a", "b", "c", "d", "e", "f", "g", "zzz"], Ct)).Order());

        // One record per batch that deleted something, naming what went and what a hold kept.
        var log = await AuditLogAsync();
        Assert.Equal(before + 3, log.Count);
        Assert.All(log.TakeLast(3), r => Assert.Equal(entry with { Details = r.Entry.Details }, r.Entry));
        Assert.Equal(["{\"camera\":\"front\",\"deletedEvents\":[\"a\"],\"heldEvents\":1}", "{\"camera\":\"front\",\"deletedEvents\":[\"c\"],\"heldEvents\":1}",
            "{\"deletedEvents\":[\"e\"],\"heldEvents\":1}"], log.TakeLast(3).Select(r => r.Entry.Details));
        Assert.True((await S.Audit.VerifyAuditAsync(Ct)).Intact);

        // Lifting the hold lets the next sweep take the held ones.
        await S.Retention.LiftHoldAsync(Tester, "held", Ct);
        Assert.Equal(["b"], (await S.Events.SweepEventsAsync(entry, "front", T0.AddDays(30), 10, Ct)).Deleted);
        Assert.Equal(["f"], (await S.Events.SweepEventsAsync(entry, null, T0.AddDays(30), 10, Ct)).Deleted);
    }
}
