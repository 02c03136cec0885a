namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public void Retention_rules_are_set_listed_and_cleared()
    {
        Fails(ErrorKind.ResourceNotFound, () => S.Retention.SetRetention(Tester, new RetentionRule("missing", 30, null)));
        S.Collections.CreateCollection(Tester, "b", "arn", "6.0", T0);
        S.Collections.CreateCollection(Tester, "a", "arn", "6.0", T0);
        Assert.Equal(new RetentionRule("b", 30, null), S.Retention.SetRetention(Tester, new RetentionRule("b", 30, null)));
        S.Retention.SetRetention(Tester, new RetentionRule("a", null, 7));
        S.Retention.SetRetention(Tester, new RetentionRule("b", 31, 365));
        Assert.Equal([new RetentionRule("a", null, 7), new RetentionRule("b", 31, 365)], S.Retention.ListRetention());
        S.Retention.SetRetention(Tester, new RetentionRule("a", null, null));
        Assert.Equal(["b"], S.Retention.ListRetention().Select(r => r.CollectionId));
    }

    [Fact]
    public void Legal_holds_are_placed_replaced_listed_and_lifted()
    {
        var placed = S.Retention.PlaceHold(Tester, new LegalHold("2026-002", "court order 17", "admin1", T0));
        Assert.Equal(new LegalHold("2026-002", "court order 17", "admin1", T0), placed);
        S.Retention.PlaceHold(Tester, new LegalHold("2026-001", "first", "admin1", T0));
        S.Retention.PlaceHold(Tester, new LegalHold("2026-001", "replaced", "admin2", T0.AddDays(1)));
        Assert.Equal([new LegalHold("2026-001", "replaced", "admin2", T0.AddDays(1)), placed], S.Retention.ListHolds());
        Assert.True(S.Retention.LiftHold(Tester, "2026-001"));
        Assert.False(S.Retention.LiftHold(Tester, "2026-001"));
        Assert.Equal(["2026-002"], S.Retention.ListHolds().Select(h => h.Case));
    }

    /// <summary>Collection c: faces f1–f4 (f1, f2 old), leads on f1 (held case) and f3 (open case), one old lead of each case.</summary>
    private void SeedRetention()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.AddFaces(Tester, "c", [Face("f1"), Face("f2")], T0);
        S.Collections.AddFaces(Tester, "c", [Face("f3"), Face("f4")], T0.AddDays(10));
        S.Leads.AppendSearch(Entry("SearchFaces") with { Case = "held", CollectionId = "c" }, [new("face", "f1", 99f)]);
        S.Leads.AppendSearch(Entry("SearchFaces") with { Case = "open", CollectionId = "c" }, [new("face", "f3", 99f)]);
        S.Retention.PlaceHold(Tester, new LegalHold("held", "court order", "admin", T0));
    }

    [Fact]
    public void Held_faces_are_those_a_held_case_points_at()
    {
        SeedRetention();
        Assert.Equal(["f1"], S.Retention.HeldFaces("c", null));
        Assert.Equal(["f1"], S.Retention.HeldFaces("c", ["f1", "f2", "f3"]));
        Assert.Empty(S.Retention.HeldFaces("c", ["f2", "f3"]));
        Assert.Empty(S.Retention.HeldFaces("other", null));
        S.Retention.LiftHold(Tester, "held");
        Assert.Empty(S.Retention.HeldFaces("c", null));
    }

    [Fact]
    public void A_delete_of_faces_refuses_the_held_ones_and_records_the_refusal()
    {
        SeedRetention();
        var deletion = S.Collections.DeleteFaces(Entry("DeleteFaces"), "c", ["f1", "f2", "f3"]);
        Assert.Equal(["f2", "f3"], deletion.Deleted.Select(f => f.FaceId));
        Assert.Equal(["f1"], deletion.Held);
        Assert.Equal(["f1", "f4"], S.Collections.ListFaces("c", 0, 10).Select(f => f.FaceId));

        // Only held faces asked for: nothing deleted, and the refused attempt is on the record.
        int before = AuditLog().Count;
        var refused = S.Collections.DeleteFaces(Entry("DeleteFaces"), "c", ["f1"]);
        Assert.Empty(refused.Deleted);
        Assert.Equal(["f1"], refused.Held);
        Assert.Equal(before + 1, AuditLog().Count);
        Assert.Equal("{\"deleted\":[],\"held\":[\"f1\"]}", AuditLog()[^1].Entry.Details);
        Assert.NotNull(S.Collections.GetFace("c", "f1"));

        S.Retention.LiftHold(Tester, "held");
        Assert.Equal(["f1"], S.Collections.DeleteFaces(Tester, "c", ["f1"]).Deleted.Select(f => f.FaceId));
    }

    [Fact]
    public void A_collection_a_hold_covers_is_not_deleted_at_all()
    {
        SeedRetention();
        S.Collections.CreateUser(Tester, "c", "u", T0);
        S.Collections.UpdateTags(Tester, "c", new Dictionary<string, string> { ["k"] = "v" }, []);
        int before = AuditLog().Count;
        Assert.Equal(new CollectionDeletion(true, 1), S.Collections.DeleteCollection(Entry("DeleteCollection"), "c"));
        Assert.Equal((4, 1), (S.Collections.GetCollection("c")!.FaceCount, S.Collections.GetCollection("c")!.UserCount));
        Assert.Single(S.Collections.GetTags("c"));
        Assert.Equal(before, AuditLog().Count); // nothing changed: the refusal is the caller's to record

        S.Retention.LiftHold(Tester, "held");
        Assert.Equal(new CollectionDeletion(true, 0), S.Collections.DeleteCollection(Entry("DeleteCollection"), "c"));
        Assert.Null(S.Collections.GetCollection("c"));
    }

    [Fact]
    public void A_hold_placed_while_faces_are_deleted_stops_every_delete_after_it()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        var faces = S.Collections.AddFaces(Tester, "c", [.. Enumerable.Range(0, 40).Select(i => Face($"f{i}", i))], T0);
        S.Leads.AppendSearch(Entry("SearchFaces") with { Case = "k", CollectionId = "c" }, [.. faces.Select(f => new LeadMatch("face", f.FaceId, 99f))]);
        var stores = new[] { S, Open() };
        var results = Together(3, t =>
        {
            if (t == 0)
            {
                Thread.Sleep(30);
                stores[1].Retention.PlaceHold(Entry("PlaceHold"), new LegalHold("k", "order", "admin", T0));
                return null;
            }
            for (int i = t - 1; i < 40; i += 2)
                stores[t % 2].Collections.DeleteFaces(Entry("DeleteFaces"), "c", [$"f{i}"]);
            return null;
        });
        Assert.All(results, r => Assert.Null(r));
        var log = AuditLog();
        long hold = log.Single(r => r.Entry.Operation == "PlaceHold").Seq;
        var deletes = log.Where(r => r.Entry.Operation == "DeleteFaces").ToList();
        Assert.Equal(40, deletes.Count);
        // In commit order: every delete before the hold deleted its face, every one after it was refused.
        Assert.All(deletes, r => Assert.Equal(r.Seq < hold, !r.Entry.Details!.Contains("held", StringComparison.Ordinal)));
        Assert.Equal(deletes.Count(r => r.Seq > hold), S.Collections.GetCollection("c")!.FaceCount);
        Assert.True(S.Audit.VerifyAudit().Intact);
    }

    [Fact]
    public void A_sweep_deletes_old_faces_and_leads_but_spares_what_a_hold_points_at()
    {
        SeedRetention();
        var faces = S.Retention.Sweep(Tester, "c", T0.AddDays(5), null, 100);
        Assert.Equal(["f2"], faces.Faces.Select(f => f.FaceId));
        Assert.Equal((0, 1, 0), (faces.Leads, faces.HeldFaces, faces.HeldLeads));
        Assert.Equal(["f1", "f3", "f4"], S.Collections.ListFaces("c", 0, 10).Select(f => f.FaceId));

        // Leads made before the cutoff: the open case's goes, the held case's stays; then both faces of the later batch, one per sweep.
        var leads = S.Retention.Sweep(Tester, "c", null, DateTimeOffset.UtcNow.AddMinutes(1), 100);
        Assert.Equal((0, 1, 0, 1), (leads.Faces.Count, leads.Leads, leads.HeldFaces, leads.HeldLeads));
        Assert.Equal(["held"], S.Leads.ListLeads(null, null, 10).Select(l => l.Case));
        Assert.Single(S.Retention.Sweep(Tester, "c", T0.AddDays(20), null, 1).Faces);
        Assert.Single(S.Retention.Sweep(Tester, "c", T0.AddDays(20), null, 1).Faces);
        var nothing = S.Retention.Sweep(Tester, "c", T0.AddDays(20), DateTimeOffset.UtcNow.AddMinutes(1), 100);
        Assert.Equal((0, 0, 1, 1), (nothing.Faces.Count, nothing.Leads, nothing.HeldFaces, nothing.HeldLeads));
        Assert.Equal(["f1"], S.Collections.ListFaces("c", 0, 10).Select(f => f.FaceId));
    }

    [Fact]
    public void Detectors_are_registered_once_listed_by_id_and_removed()
    {
        var d = new DetectorRecord("weapons", "yolo", 640, 480, ["knife", "gun", "ünïcode \"label\""], new string('a', 64), 123_456_789_012, "admin", T0);
        S.Detectors.AddDetector(Tester, d);
        S.Detectors.AddDetector(Tester, d with { Id = "animals", Labels = [], CreatedBy = null });
        Fails(ErrorKind.ResourceAlreadyExists, () => S.Detectors.AddDetector(Tester, d with { Layout = "ssd" }));
        var read = S.Detectors.GetDetector("weapons")!;
        Assert.Equal(d.Labels, read.Labels);
        Assert.Equal(d with { Labels = read.Labels }, read);
        Assert.Empty(S.Detectors.GetDetector("animals")!.Labels);
        Assert.Null(S.Detectors.GetDetector("nope"));
        Assert.Equal(["animals", "weapons"], S.Detectors.ListDetectors().Select(x => x.Id));
        Assert.True(S.Detectors.DeleteDetector(Tester, "weapons"));
        Assert.False(S.Detectors.DeleteDetector(Tester, "weapons"));
        Assert.Equal(["animals"], S.Detectors.ListDetectors().Select(x => x.Id));
    }

    [Fact]
    public void Alert_rules_and_alerts_are_kept_listed_newest_first_and_their_delivery_updated()
    {
        var box = new NormalBox(0.25f, 0.5f, 0.125f, 1f / 3f);
        var r1 = new AlertRule("r1", "Person", 80.5f, box, "https://hooks.example/a", "s3cret", "admin", T0.AddSeconds(1));
        var r2 = new AlertRule("r2", "Car", 50f, null, "https://hooks.example/b", "other", null, T0);
        S.Alerts.AddAlertRule(Tester, r1);
        S.Alerts.AddAlertRule(Tester, r2);
        Assert.Equal([r2, r1], S.Alerts.ListAlertRules());
        Assert.Equal(r1, S.Alerts.GetAlertRule("r1"));
        Assert.Null(S.Alerts.GetAlertRule("r3"));
        Assert.True(S.Alerts.DeleteAlertRule(Tester, "r2"));
        Assert.False(S.Alerts.DeleteAlertRule(Tester, "r2"));

        var a1 = new AlertRecord("a1", "r1", "Person", 91.5f, box, "camera-1", "s3://b/k.jpg", T0);
        var a2 = new AlertRecord("a2", "r1", "Person", 88f, box, "upload", null, T0.AddSeconds(5));
        var a3 = new AlertRecord("a3", "r1", "Person", 85f, box, "upload", null, T0.AddSeconds(5)) { Status = AlertStatus.Dropped };
        S.Alerts.AddAlerts([a1, a2]);
        S.Alerts.AddAlerts([a3]);
        Assert.Equal([a3, a2, a1], S.Alerts.ListAlerts(null, 10)); // newest first; the later-added first among equals
        Assert.Equal([a3], S.Alerts.ListAlerts(null, 1));
        S.Alerts.SetAlertDelivery("a1", AlertStatus.Delivered, 2, "timeout once", T0.AddSeconds(9));
        S.Alerts.SetAlertDelivery("a2", AlertStatus.Failed, 5, "HTTP 500", null);
        Assert.Equal([a1 with { Status = AlertStatus.Delivered, Attempts = 2, LastError = "timeout once", DeliveredAt = T0.AddSeconds(9) }], S.Alerts.ListAlerts(AlertStatus.Delivered, 10));
        Assert.Equal(["a2"], S.Alerts.ListAlerts(AlertStatus.Failed, 10).Select(a => a.Id));
        Assert.Empty(S.Alerts.ListAlerts(AlertStatus.Queued, 10));
    }

    [Fact]
    public void Hotlist_entries_are_put_replaced_listed_by_list_and_expiry_and_removed()
    {
        var stolen = new HotlistEntry("stolen", "ABC123", "reported 2026-11-01", null, "officer1", T0);
        var expiring = new HotlistEntry("stolen", "XYZ789", "short", T0.AddDays(1), "officer1", T0);
        var amber = new HotlistEntry("amber", "QQQ111", "alert", T0.AddDays(30), "officer2", T0);
        foreach (var e in new[] { stolen, expiring, amber })
            Assert.Equal(e, S.Hotlists.PutHotlistEntry(Tester, e));
        S.Hotlists.PutHotlistEntry(Tester, stolen with { Reason = "confirmed", AddedBy = "officer3" });
        Assert.Equal([amber, stolen with { Reason = "confirmed", AddedBy = "officer3" }, expiring], S.Hotlists.ListHotlistEntries(null, null));
        Assert.Equal(["ABC123", "XYZ789"], S.Hotlists.ListHotlistEntries("stolen", null).Select(e => e.Plate));
        Assert.Equal(["QQQ111", "ABC123"], S.Hotlists.ListHotlistEntries(null, T0.AddDays(1)).Select(e => e.Plate));
        Assert.True(S.Hotlists.RemoveHotlistEntry(Tester, "stolen", "ABC123"));
        Assert.False(S.Hotlists.RemoveHotlistEntry(Tester, "stolen", "ABC123"));
        Assert.Equal(["XYZ789"], S.Hotlists.ListHotlistEntries("stolen", null).Select(e => e.Plate));
    }
}
