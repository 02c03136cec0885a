namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Retention_rules_are_set_listed_and_cleared()
    {
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await S.Retention.SetRetentionAsync(Tester, new RetentionRule("missing", 30, null), Ct));
        await S.Collections.CreateCollectionAsync(Tester, "b", "arn", "6.0", T0, Ct);
        await S.Collections.CreateCollectionAsync(Tester, "a", "arn", "6.0", T0, Ct);
        Assert.Equal(new RetentionRule("b", 30, null), await S.Retention.SetRetentionAsync(Tester, new RetentionRule("b", 30, null), Ct));
        await S.Retention.SetRetentionAsync(Tester, new RetentionRule("a", null, 7), Ct);
        await S.Retention.SetRetentionAsync(Tester, new RetentionRule("b", 31, 365), Ct);
        Assert.Equal([new RetentionRule("a", null, 7), new RetentionRule("b", 31, 365)], await S.Retention.ListRetentionAsync(Ct));
        await S.Retention.SetRetentionAsync(Tester, new RetentionRule("a", null, null), Ct);
        Assert.Equal(["b"], (await S.Retention.ListRetentionAsync(Ct)).Select(r => r.CollectionId));
    }

    [Fact]
    public async Task Legal_holds_are_placed_replaced_listed_and_lifted()
    {
        var placed = await S.Retention.PlaceHoldAsync(Tester, new LegalHold("2026-002", "court order 17", "admin1", T0), Ct);
        Assert.Equal(new LegalHold("2026-002", "court order 17", "admin1", T0), placed);
        await S.Retention.PlaceHoldAsync(Tester, new LegalHold("2026-001", "first", "admin1", T0), Ct);
        await S.Retention.PlaceHoldAsync(Tester, new LegalHold("2026-001", "replaced", "admin2", T0.AddDays(1)), Ct);
        Assert.Equal([new LegalHold("2026-001", "replaced", "admin2", T0.AddDays(1)), placed], await S.Retention.ListHoldsAsync(Ct));
        Assert.True(await S.Retention.LiftHoldAsync(Tester, "2026-001", Ct));
        Assert.False(await S.Retention.LiftHoldAsync(Tester, "2026-001", Ct));
        Assert.Equal(["2026-002"], (await S.Retention.ListHoldsAsync(Ct)).Select(h => h.Case));
    }

    /// <summary>Collection c: faces f1–f4 (f1, f2 old), leads on f1 (held case) and f3 (open case), one old lead of each case.</summary>
    private async Task SeedRetentionAsync()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1"), Face("f2")], T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f3"), Face("f4")], T0.AddDays(10), Ct);
        await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "held", CollectionId = "c" }, [new("face", "f1", 99f)], null, Ct);
        await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "open", CollectionId = "c" }, [new("face", "f3", 99f)], null, Ct);
        await S.Retention.PlaceHoldAsync(Tester, new LegalHold("held", "court order", "admin", T0), Ct);
    }

    [Fact]
    public async Task Held_faces_are_those_a_held_case_points_at()
    {
        await SeedRetentionAsync();
        Assert.Equal(["f1"], await S.Retention.HeldFacesAsync("c", null, Ct));
        Assert.Equal(["f1"], await S.Retention.HeldFacesAsync("c", ["f1", "f2", "f3"], Ct));
        Assert.Empty(await S.Retention.HeldFacesAsync("c", ["f2", "f3"], Ct));
        Assert.Empty(await S.Retention.HeldFacesAsync("other", null, Ct));
        await S.Retention.LiftHoldAsync(Tester, "held", Ct);
        Assert.Empty(await S.Retention.HeldFacesAsync("c", null, Ct));
    }

    [Fact]
    public async Task A_delete_of_faces_refuses_the_held_ones_and_records_the_refusal()
    {
        await SeedRetentionAsync();
        var deletion = await S.Collections.DeleteFacesAsync(Entry("DeleteFaces"), "c", ["f1", "f2", "f3"], Ct);
        Assert.Equal(["f2", "f3"], deletion.Deleted.Select(f => f.FaceId));
        Assert.Equal(["f1"], deletion.Held);
        Assert.Equal(["f1", "f4"], (await S.Collections.ListFacesAsync("c", 0, 10, FaceFilter.All, Ct)).Select(f => f.FaceId));

        // Only held faces asked for: nothing deleted, and the refused attempt is on the record.
        int before = (await AuditLogAsync()).Count;
        var refused = await S.Collections.DeleteFacesAsync(Entry("DeleteFaces"), "c", ["f1"], Ct);
        Assert.Empty(refused.Deleted);
        Assert.Equal(["f1"], refused.Held);
        Assert.Equal(before + 1, (await AuditLogAsync()).Count);
        Assert.Equal("{\"deleted\":[],\"held\":[\"f1\"]}", (await AuditLogAsync())[^1].Entry.Details);
        Assert.NotNull(await S.Collections.GetFaceAsync("c", "f1", Ct));

        await S.Retention.LiftHoldAsync(Tester, "held", Ct);
        Assert.Equal(["f1"], (await S.Collections.DeleteFacesAsync(Tester, "c", ["f1"], Ct)).Deleted.Select(f => f.FaceId));
    }

    [Fact]
    public async Task A_collection_a_hold_covers_is_not_deleted_at_all()
    {
        await SeedRetentionAsync();
        await S.Collections.CreateUserAsync(Tester, "c", "u", T0, null, Ct);
        await S.Collections.UpdateTagsAsync(Tester, "c", new Dictionary<string, string> { ["k"] = "v" }, [], Ct);
        int before = (await AuditLogAsync()).Count;
        Assert.Equal(new CollectionDeletion(true, 1), await S.Collections.DeleteCollectionAsync(Entry("DeleteCollection"), "c", Ct));
        Assert.Equal((4, 1), ((await S.Collections.GetCollectionAsync("c", true, Ct))!.FaceCount, (await S.Collections.GetCollectionAsync("c", true, Ct))!.UserCount));
        Assert.Single(await S.Collections.GetTagsAsync("c", Ct));
        Assert.Equal(before, (await AuditLogAsync()).Count); // nothing changed: the refusal is the caller's to record

        await S.Retention.LiftHoldAsync(Tester, "held", Ct);
        Assert.Equal(new CollectionDeletion(true, 0), await S.Collections.DeleteCollectionAsync(Entry("DeleteCollection"), "c", Ct));
        Assert.Null(await S.Collections.GetCollectionAsync("c", true, Ct));
    }

    [Fact]
    public async Task A_hold_placed_while_faces_are_deleted_stops_every_delete_after_it()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        var faces = await S.Collections.AddFacesAsync(Tester, "c", [.. Enumerable.Range(0, 40).Select(i => Face($"f{i}", i))], T0, Ct);
        await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "k", CollectionId = "c" }, [.. faces.Select(f => new LeadMatch("face", f.FaceId, 99f))], null, Ct);
        var stores = new[] { S, Open() };
        var results = await TogetherAsync(3, async t =>
        {
            if (t == 0)
            {
                Thread.Sleep(30);
                await stores[1].Retention.PlaceHoldAsync(Entry("PlaceHold"), new LegalHold("k", "order", "admin", T0), Ct);
                return null;
            }
            for (int i = t - 1; i < 40; i += 2)
                await stores[t % 2].Collections.DeleteFacesAsync(Entry("DeleteFaces"), "c", [$"f{i}"], Ct);
            return null;
        });
        Assert.All(results, r => Assert.Null(r));
        var log = (await AuditLogAsync());
        long hold = log.Single(r => r.Entry.Operation == "PlaceHold").Seq;
        var deletes = log.Where(r => r.Entry.Operation == "DeleteFaces").ToList();
        Assert.Equal(40, deletes.Count);
        // In commit order: every delete before the hold deleted its face, every one after it was refused.
        Assert.All(deletes, r => Assert.Equal(r.Seq < hold, !r.Entry.Details!.Contains("held", StringComparison.Ordinal)));
        Assert.Equal(deletes.Count(r => r.Seq > hold), (await S.Collections.GetCollectionAsync("c", true, Ct))!.FaceCount);
        Assert.True((await S.Audit.VerifyAuditAsync(Ct)).Intact);
    }

    [Fact]
    public async Task A_sweep_deletes_old_faces_and_leads_but_spares_what_a_hold_points_at()
    {
        await SeedRetentionAsync();
        var faces = await S.Retention.SweepAsync(Tester, "c", T0.AddDays(5), null, 100, Ct);
        Assert.Equal(["f2"], faces.Faces.Select(f => f.FaceId));
        Assert.Equal((0, 1, 0), (faces.Leads, faces.HeldFaces, faces.HeldLeads));
        Assert.Equal(["f1", "f3", "f4"], (await S.Collections.ListFacesAsync("c", 0, 10, FaceFilter.All, Ct)).Select(f => f.FaceId));

        // Leads made before the cutoff: the open case's goes, the held case's stays; then both faces of the later batch, one per sweep.
        var leads = await S.Retention.SweepAsync(Tester, "c", null, DateTimeOffset.UtcNow.AddMinutes(1), 100, Ct);
        Assert.Equal((0, 1, 0, 1), (leads.Faces.Count, leads.Leads, leads.HeldFaces, leads.HeldLeads));
        Assert.Equal(["held"], (await S.Leads.ListLeadsAsync(null, null, 10, Ct).ToListAsync(Ct)).Select(l => l.Case));
        Assert.Single((await S.Retention.SweepAsync(Tester, "c", T0.AddDays(20), null, 1, Ct)).Faces);
        Assert.Single((await S.Retention.SweepAsync(Tester, "c", T0.AddDays(20), null, 1, Ct)).Faces);
        var nothing = await S.Retention.SweepAsync(Tester, "c", T0.AddDays(20), DateTimeOffset.UtcNow.AddMinutes(1), 100, Ct);
        Assert.Equal((0, 0, 1, 1), (nothing.Faces.Count, nothing.Leads, nothing.HeldFaces, nothing.HeldLeads));
        Assert.Equal(["f1"], (await S.Collections.ListFacesAsync("c", 0, 10, FaceFilter.All, Ct)).Select(f => f.FaceId));
    }

    [Fact]
    public async Task Detectors_are_registered_once_listed_by_id_and_removed()
    {
        var d = new DetectorRecord("weapons", "yolo", 640, 480, ["knife", "gun", "ünïcode \"label\""], new string('a', 64), 123_456_789_012, "admin", T0);
        await S.Detectors.AddDetectorAsync(Tester, d, Ct);
        await S.Detectors.AddDetectorAsync(Tester, d with { Id = "animals", Labels = [], CreatedBy = null }, Ct);
        await FailsAsync(ErrorKind.ResourceAlreadyExists, async () => await S.Detectors.AddDetectorAsync(Tester, d with { Layout = "ssd" }, Ct));
        var read = (await S.Detectors.GetDetectorAsync("weapons", Ct))!;
        Assert.Equal(d.Labels, read.Labels);
        Assert.Equal(d with { Labels = read.Labels }, read);
        Assert.Empty((await S.Detectors.GetDetectorAsync("animals", Ct))!.Labels);
        Assert.Null(await S.Detectors.GetDetectorAsync("nope", Ct));
        Assert.Equal(["animals", "weapons"], (await S.Detectors.ListDetectorsAsync(Ct)).Select(x => x.Id));
        Assert.True(await S.Detectors.DeleteDetectorAsync(Tester, "weapons", Ct));
        Assert.False(await S.Detectors.DeleteDetectorAsync(Tester, "weapons", Ct));
        Assert.Equal(["animals"], (await S.Detectors.ListDetectorsAsync(Ct)).Select(x => x.Id));
    }

    [Fact]
    public async Task Alert_rules_and_alerts_are_kept_listed_newest_first_and_their_delivery_updated()
    {
        var box = new NormalBox(0.25f, 0.5f, 0.125f, 1f / 3f);
        var r1 = new AlertRule("r1", "Person", 80.5f, box, "https://hooks.example/a", "s3cret", "admin", T0.AddSeconds(1));
        var r2 = new AlertRule("r2", "Car", 50f, null, "https://hooks.example/b", "other", null, T0);
        await S.Alerts.AddAlertRuleAsync(Tester, r1, Ct);
        await S.Alerts.AddAlertRuleAsync(Tester, r2, Ct);
        Assert.Equal([r2, r1], await S.Alerts.ListAlertRulesAsync(Ct));
        Assert.Equal(r1, await S.Alerts.GetAlertRuleAsync("r1", Ct));
        Assert.Null(await S.Alerts.GetAlertRuleAsync("r3", Ct));
        Assert.True(await S.Alerts.DeleteAlertRuleAsync(Tester, "r2", Ct));
        Assert.False(await S.Alerts.DeleteAlertRuleAsync(Tester, "r2", Ct));

        var a1 = new AlertRecord("a1", "r1", "Person", 91.5f, box, "camera-1", "s3://b/k.jpg", T0);
        var a2 = new AlertRecord("a2", "r1", "Person", 88f, box, "upload", null, T0.AddSeconds(5));
        var a3 = new AlertRecord("a3", "r1", "Person", 85f, box, "upload", null, T0.AddSeconds(5)) { Status = AlertStatus.Dropped };
        await S.Alerts.AddAlertsAsync([a1, a2], Ct);
        await S.Alerts.AddAlertsAsync([a3], Ct);
        Assert.Equal([a3, a2, a1], await S.Alerts.ListAlertsAsync(null, 10, Ct)); // newest first; the later-added first among equals
        Assert.Equal([a3], await S.Alerts.ListAlertsAsync(null, 1, Ct));
        await S.Alerts.SetAlertDeliveryAsync("a1", AlertStatus.Delivered, 2, "timeout once", T0.AddSeconds(9), Ct);
        await S.Alerts.SetAlertDeliveryAsync("a2", AlertStatus.Failed, 5, "HTTP 500", null, Ct);
        Assert.Equal([a1 with { Status = AlertStatus.Delivered, Attempts = 2, LastError = "timeout once", DeliveredAt = T0.AddSeconds(9) }], await S.Alerts.ListAlertsAsync(AlertStatus.Delivered, 10, Ct));
        Assert.Equal(["a2"], (await S.Alerts.ListAlertsAsync(AlertStatus.Failed, 10, Ct)).Select(a => a.Id));
        Assert.Empty(await S.Alerts.ListAlertsAsync(AlertStatus.Queued, 10, Ct));
    }

    [Fact]
    public async Task Hotlist_entries_are_put_replaced_listed_by_list_and_expiry_and_removed()
    {
        var stolen = new HotlistEntry("stolen", "ABC123", "reported 2026-11-01", null, "officer1", T0);
        var expiring = new HotlistEntry("stolen", "XYZ789", "short", T0.AddDays(1), "officer1", T0);
        var amber = new HotlistEntry("amber", "QQQ111", "alert", T0.AddDays(30), "officer2", T0);
        foreach (var e in new[] { stolen, expiring, amber })
            Assert.Equal(e, await S.Hotlists.PutHotlistEntryAsync(Tester, e, Ct));
        await S.Hotlists.PutHotlistEntryAsync(Tester, stolen with { Reason = "confirmed", AddedBy = "officer3" }, Ct);
        Assert.Equal([amber, stolen with { Reason = "confirmed", AddedBy = "officer3" }, expiring], await S.Hotlists.ListHotlistEntriesAsync(null, null, Ct));
        Assert.Equal(["ABC123", "XYZ789"], (await S.Hotlists.ListHotlistEntriesAsync("stolen", null, Ct)).Select(e => e.Plate));
        Assert.Equal(["QQQ111", "ABC123"], (await S.Hotlists.ListHotlistEntriesAsync(null, T0.AddDays(1), Ct)).Select(e => e.Plate));
        Assert.True(await S.Hotlists.RemoveHotlistEntryAsync(Tester, "stolen", "ABC123", Ct));
        Assert.False(await S.Hotlists.RemoveHotlistEntryAsync(Tester, "stolen", "ABC123", Ct));
        Assert.Equal(["XYZ789"], (await S.Hotlists.ListHotlistEntriesAsync("stolen", null, Ct)).Select(e => e.Plate));
    }
}
