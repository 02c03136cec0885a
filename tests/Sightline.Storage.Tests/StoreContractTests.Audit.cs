using System.Data.Common;

namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>Every audited write, each after <see cref="SeedAudited"/>, given the entry it is to record.</summary>
    private static readonly Dictionary<string, Action<Stores, AuditEntry>> s_audited = new()
    {
        ["CreateCollection"] = (s, a) => s.Collections.CreateCollection(a, "c2", "arn", "6.0", T0),
        ["DeleteCollection"] = (s, a) => Assert.True(s.Collections.DeleteCollection(a, "c3").Deleted),
        ["AddFaces"] = (s, a) => s.Collections.AddFaces(a, "c1", [Face("f3")], T0),
        ["DeleteFaces"] = (s, a) => Assert.Single(s.Collections.DeleteFaces(a, "c1", ["f1"]).Deleted),
        ["DeleteFacesRefusedByHold"] = (s, a) => Assert.Equal(["f2"], s.Collections.DeleteFaces(a, "c1", ["f2"]).Held),
        ["CreateUser"] = (s, a) => s.Collections.CreateUser(a, "c1", "u2", T0),
        ["DeleteUser"] = (s, a) => Assert.True(s.Collections.DeleteUser(a, "c1", "u1")),
        ["SetFaceUser"] = (s, a) => s.Collections.SetFaceUser(a, "c1", ["f1"], "u1"),
        ["UpdateTags"] = (s, a) => s.Collections.UpdateTags(a, "c1", new Dictionary<string, string> { ["k"] = "v" }, []),
        ["AddKey"] = (s, a) => s.Keys.AddKey(a, new StoredAccessKey("K2", "analyst", [1], [2], T0, null, null, null, null)),
        ["RevokeKey"] = (s, a) => Assert.True(s.Keys.RevokeKey(a, "K1", T0)),
        ["SetPolicy"] = (s, a) => s.Policy.SetPolicy(a, "requireCase", "false"),
        ["SetLeadDecision"] = (s, a) => Assert.NotNull(s.Leads.SetLeadDecision(a, s.Leads.ListLeads(null, null, 1).Single().LeadId, LeadStatus.Pending, LeadStatus.Rejected, "not him", "reviewer")),
        ["SetRetention"] = (s, a) => s.Retention.SetRetention(a, new RetentionRule("c1", 30, 60)),
        ["PlaceHold"] = (s, a) => s.Retention.PlaceHold(a, new LegalHold("case-2", "order", "admin", T0)),
        ["LiftHold"] = (s, a) => Assert.True(s.Retention.LiftHold(a, "case-1")),
        ["Sweep"] = (s, a) => Assert.Single(s.Retention.Sweep(a, "c1", T0.AddDays(1), null, 10).Faces),
        ["AddDetector"] = (s, a) => s.Detectors.AddDetector(a, new DetectorRecord("d2", "yolo", 1, 1, ["x"], "sha", 1, null, T0)),
        ["DeleteDetector"] = (s, a) => Assert.True(s.Detectors.DeleteDetector(a, "d1")),
        ["AddAlertRule"] = (s, a) => s.Alerts.AddAlertRule(a, new AlertRule("r2", "Car", 50, null, "https://hooks.example/", "secret", null, T0)),
        ["DeleteAlertRule"] = (s, a) => Assert.True(s.Alerts.DeleteAlertRule(a, "r1")),
        ["PutHotlistEntry"] = (s, a) => s.Hotlists.PutHotlistEntry(a, new HotlistEntry("stolen", "XYZ789", "r", null, "o", T0)),
        ["RemoveHotlistEntry"] = (s, a) => Assert.True(s.Hotlists.RemoveHotlistEntry(a, "stolen", "ABC123")),
        ["AppendAudit"] = (s, a) => s.Audit.AppendAudit(a),
        ["AppendSearch"] = (s, a) => s.Leads.AppendSearch(a, [new("face", "f1", 99.5f)]),
        ["SucceedWithLeads"] = (s, a) => Assert.True(s.Jobs.SucceedWithLeads("j1", a, [new("face", "f1", 99.5f)], T0)),
    };

    /// <summary>Writes that are not audited (job and alert bookkeeping).</summary>
    private static readonly Dictionary<string, Action<Stores>> s_unaudited = new()
    {
        ["AddJob"] = s => s.Jobs.AddJob(Job("j2")),
        ["SetJobStatus"] = s => s.Jobs.SetJobStatus("j1", "FAILED", "x", T0),
        ["AddAlerts"] = s => s.Alerts.AddAlerts([new AlertRecord("a2", "r1", "Person", 90, new NormalBox(0, 0, 1, 1), "upload", null, T0)]),
        ["SetAlertDelivery"] = s => s.Alerts.SetAlertDelivery("a1", AlertStatus.Delivered, 1, null, T0),
    };

    public static TheoryData<string> AuditedWrites => [.. s_audited.Keys];

    public static TheoryData<string> UnauditedWrites => [.. s_unaudited.Keys];

    /// <summary>Collections c1 (faces f1, f2; f2 under the hold on case-1; user u1) and c3 (one face), and one of everything else.</summary>
    private void SeedAudited()
    {
        S.Collections.CreateCollection(Tester, "c1", "arn", "6.0", T0);
        S.Collections.AddFaces(Tester, "c1", [Face("f1"), Face("f2")], T0);
        S.Collections.CreateCollection(Tester, "c3", "arn", "6.0", T0);
        S.Collections.AddFaces(Tester, "c3", [Face("g1")], T0);
        S.Collections.CreateUser(Tester, "c1", "u1", T0);
        S.Keys.AddKey(Tester, new StoredAccessKey("K1", "admin", [1], [2], T0, null, null, null, null));
        S.Leads.AppendSearch(Entry("SearchFaces", actor: "searcher") with { Case = "case-1", CollectionId = "c1" }, [new("face", "f2", 99f)]);
        S.Retention.PlaceHold(Tester, new LegalHold("case-1", "order", "admin", T0));
        S.Detectors.AddDetector(Tester, new DetectorRecord("d1", "yolo", 1, 1, ["x"], "sha", 1, null, T0));
        S.Alerts.AddAlertRule(Tester, new AlertRule("r1", "Person", 50, null, "https://hooks.example/", "secret", null, T0));
        S.Alerts.AddAlerts([new AlertRecord("a1", "r1", "Person", 90, new NormalBox(0, 0, 1, 1), "upload", null, T0)]);
        S.Hotlists.PutHotlistEntry(Tester, new HotlistEntry("stolen", "ABC123", "r", null, "o", T0));
        S.Jobs.AddJob(Job("j1"));
    }

    [Theory]
    [MemberData(nameof(AuditedWrites))]
    public void An_audited_write_commits_exactly_one_record_of_the_entry_it_was_given(string write)
    {
        SeedAudited();
        var before = AuditLog();
        var entry = Entry(write) with { Threshold = 99.5f, Probe = "sha256:abc" };
        s_audited[write](S, entry);
        var after = AuditLog();
        Assert.Equal(before.Count + 1, after.Count);
        var record = after[^1];
        Assert.Equal(entry with { Details = record.Entry.Details, CollectionId = record.Entry.CollectionId }, record.Entry);
        Assert.True(S.Audit.VerifyAudit().Intact);
    }

    [Theory]
    [MemberData(nameof(UnauditedWrites))]
    public void Job_and_alert_bookkeeping_is_not_audited(string write)
    {
        SeedAudited();
        int before = AuditLog().Count;
        s_unaudited[write](S);
        Assert.Equal(before, AuditLog().Count);
    }

    [Fact]
    public void A_record_names_what_the_write_touched()
    {
        SeedAudited();
        S.Collections.AddFaces(Entry("IndexFaces"), "c1", [Face("f8"), Face("f9")], T0);
        S.Collections.CreateCollection(Entry("CreateCollection") with { CollectionId = "given" }, "c9", "arn", "6.0", T0);
        S.Policy.SetPolicy(Entry("SetPolicy"), "identificationThresholdFloor", "99.5");
        S.Collections.DeleteFaces(Entry("DeleteFaces"), "c1", ["f2", "f8", "nope"]);
        var log = AuditLog();
        Assert.Equal(("c1", "[\"f8\",\"f9\"]"), (log[^4].Entry.CollectionId, log[^4].Entry.Details));
        Assert.Equal("given", log[^3].Entry.CollectionId); // the entry's own collection stands
        Assert.Equal("[\"identificationThresholdFloor\",\"99.5\"]", log[^2].Entry.Details);
        Assert.Equal(("c1", "{\"deleted\":[\"f8\"],\"held\":[\"f2\"]}"), (log[^1].Entry.CollectionId, log[^1].Entry.Details));
    }

    [Fact]
    public void A_failed_or_empty_write_leaves_neither_effect_nor_record()
    {
        SeedAudited();
        int before = AuditLog().Count;
        var entry = Entry("failing");
        Fails(ErrorKind.ResourceAlreadyExists, () => S.Collections.CreateCollection(entry, "c1", "arn", "6.0", T0));
        Fails(ErrorKind.ResourceNotFound, () => S.Collections.UpdateTags(entry, "missing", new Dictionary<string, string> { ["a"] = "1" }, []));
        Fails(ErrorKind.Conflict, () => S.Collections.CreateUser(entry, "c1", "u1", T0));
        Fails(ErrorKind.ResourceNotFound, () => S.Collections.AddFaces(entry, "missing", [Face("x1")], T0));
        Fails(ErrorKind.ResourceAlreadyExists, () => S.Keys.AddKey(entry, new StoredAccessKey("K1", "admin", [1], [2], T0, null, null, null, null)));
        Fails(ErrorKind.ResourceAlreadyExists, () => S.Detectors.AddDetector(entry, new DetectorRecord("d1", "yolo", 1, 1, ["x"], "sha", 1, null, T0)));
        Fails(ErrorKind.ResourceNotFound, () => S.Retention.SetRetention(entry, new RetentionRule("missing", 1, 1)));
        Assert.False(S.Collections.DeleteCollection(entry, "missing").Existed);
        Assert.Empty(S.Collections.DeleteFaces(entry, "c1", ["nope"]).Deleted);
        Assert.False(S.Collections.DeleteUser(entry, "c1", "nobody"));
        Assert.False(S.Keys.RevokeKey(entry, "no-such-key", T0));
        Assert.Null(S.Leads.SetLeadDecision(entry, Guid.NewGuid().ToString(), LeadStatus.Pending, LeadStatus.Confirmed, "n", "reviewer"));
        Assert.False(S.Retention.LiftHold(entry, "no-such-case"));
        Assert.False(S.Detectors.DeleteDetector(entry, "no-such-detector"));
        Assert.False(S.Alerts.DeleteAlertRule(entry, "no-such-rule"));
        Assert.False(S.Hotlists.RemoveHotlistEntry(entry, "stolen", "NOPE"));
        Assert.Empty(S.Retention.Sweep(entry, "c1", T0.AddDays(-1), T0.AddDays(-1), 10).Faces);
        Assert.False(S.Jobs.SucceedWithLeads("no-such-job", entry, [new("face", "f1", 99.5f)], T0));
        Assert.Empty(S.Collections.GetTags("c1"));
        Assert.Equal(["f1", "f2"], S.Collections.ListFaces("c1", 0, 10).Select(f => f.FaceId));
        Assert.Equal(before, AuditLog().Count);
        Assert.DoesNotContain(AuditLog(), r => r.Entry.Operation == "failing");
    }

    private static AuditEntry Search(int i) => new("SLTESTKEY", "analyst", "SearchFacesByImage")
    {
        CollectionId = "booking", Case = $"2026-{i:000}", Purpose = "investigation", Threshold = 99f + i / 1000f, Probe = "sha256:" + new string('a', 64),
        Details = $"[{{\"faceId\":\"f{i}\",\"similarity\":99.5,\"note\":\"ünï\\\"code\"}}]",
    };

    private void Fill(int n)
    {
        for (int i = 1; i <= n; i++)
            Assert.Equal(i, S.Audit.AppendAudit(Search(i)));
    }

    [Fact]
    public void A_long_chain_verifies_and_reads_back_in_pages_and_by_time()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        Fill(250);
        var result = S.Audit.VerifyAudit();
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(250, result.Records);
        var page = S.Audit.ReadAudit(9, 2);
        Assert.Equal([10L, 11L], page.Select(r => r.Seq));
        Assert.Equal(Search(10), page[0].Entry);
        Assert.Equal(page[0].Hash, page[1].PrevHash);
        Assert.Equal(AuditChain.Hash(11, page[1].At, page[1].Entry, page[1].PrevHash), page[1].Hash);
        Assert.Equal(AuditChain.Genesis, S.Audit.ReadAudit(0, 1).Single().PrevHash);
        Assert.Equal(250, S.Audit.ReadAuditBetween(start, DateTimeOffset.UtcNow.AddSeconds(1)).Count());
        Assert.Empty(S.Audit.ReadAuditBetween(start.AddDays(-2), start.AddDays(-1)));
        Assert.True(Open().Audit.VerifyAudit().Intact); // another instance, the same key: the same verdict
    }

    [Fact]
    public void The_database_itself_refuses_to_change_or_delete_audit_records()
    {
        Fill(3);
        foreach (string sql in new[] { "DELETE FROM audit_log WHERE seq = 2;", "UPDATE audit_log SET actor = 'someone else' WHERE seq = 1;" })
            Assert.Contains("append-only", Assert.ThrowsAny<DbException>(() => ExecuteAsStore(Database, sql)).Message, StringComparison.Ordinal);
        Assert.True(S.Audit.VerifyAudit().Intact);
        Assert.Equal(3, S.Audit.ReadAudit(0, 10).Count);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET case_id = '2026-999' WHERE seq = 120;", 120, "altered")]
    [InlineData("UPDATE audit_log SET details = '[]' WHERE seq = 7;", 7, "altered")]
    [InlineData("UPDATE audit_log SET at = at + 1 WHERE seq = 201;", 201, "altered")]
    [InlineData("DELETE FROM audit_log WHERE seq = 50;", 50, "missing")]
    [InlineData("DELETE FROM audit_log WHERE seq = 100;", 100, "missing")]
    [InlineData("DELETE FROM audit_log WHERE seq >= 240;", 240, "removed")]
    public void Tampering_behind_the_store_is_caught_at_the_first_bad_record(string sql, long firstBad, string problem)
    {
        Fill(250);
        Tamper(Database, sql);
        var result = S.Audit.VerifyAudit();
        Assert.False(result.Intact);
        Assert.Equal(firstBad, result.FirstBadSeq);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_rewritten_after_an_edit_is_caught_by_the_seals()
    {
        Fill(150);
        // Edit record 5 and recompute every hash after it, head included, as someone without the seal key would.
        var sql = new System.Text.StringBuilder();
        string prev = AuditChain.Genesis;
        foreach (var r in S.Audit.ReadAudit(0, 1000))
        {
            var entry = r.Seq == 5 ? r.Entry with { Case = "2026-forged" } : r.Entry;
            string hash = AuditChain.Hash(r.Seq, r.At, entry, prev);
            if (r.Seq >= 5)
                sql.Append($"UPDATE audit_log SET case_id = '{entry.Case}', prev_hash = '{prev}', hash = '{hash}' WHERE seq = {r.Seq};\n");
            prev = hash;
        }
        sql.Append($"UPDATE audit_head SET seq = 150, hash = '{prev}';");
        Tamper(Database, sql.ToString());
        Assert.Equal("2026-forged", S.Audit.ReadAudit(4, 1).Single().Entry.Case);
        var result = S.Audit.VerifyAudit();
        Assert.False(result.Intact);
        Assert.Equal(100, result.FirstBadSeq); // the first seal that no longer matches
        Assert.Contains("seal", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void One_store_instance_serves_every_contract()
    {
        object store = S.Collections;
        foreach (object contract in new object[] { S.Keys, S.Jobs, S.Audit, S.Policy, S.Leads, S.Retention, S.Detectors, S.Alerts, S.Hotlists })
            Assert.Same(store, contract);
    }

    [Fact]
    public void Appends_from_two_store_instances_on_many_threads_make_one_unbroken_chain()
    {
        S.Collections.CreateCollection(Tester, "seed", "arn", "6.0", T0);
        int seeded = AuditLog().Count;
        var stores = new[] { S, Open() };
        const int Threads = 6, Each = 25;
        var results = Together(Threads, t =>
        {
            var store = stores[t % 2];
            for (int i = 0; i < Each; i++)
            {
                if (i % 3 == 0)
                    store.Collections.AddFaces(Entry($"thread {t} write {i}"), "seed", [Face($"t{t}-{i}")], T0);
                else
                {
                    store.Audit.AppendAudit(Search(t * 100 + i));
                }
            }
            return null;
        });
        Assert.All(results, r => Assert.Null(r));
        var verification = S.Audit.VerifyAudit();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(seeded + Threads * Each, verification.Records);
        Assert.Equal(Enumerable.Range(1, seeded + Threads * Each).Select(i => (long)i), AuditLog().Select(r => r.Seq));
        Assert.Equal(Threads * ((Each + 2) / 3), S.Collections.GetCollection("seed")!.FaceCount);
    }
}
