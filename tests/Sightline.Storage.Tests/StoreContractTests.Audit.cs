using System.Data.Common;

namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>Every audited write, each after <see cref="SeedAuditedAsync"/>, given the entry it is to record and the token it is to honour.</summary>
    private static readonly Dictionary<string, Func<Stores, AuditEntry, CancellationToken, Task>> s_audited = new()
    {
        ["CreateCollection"] = async (s, a, c) => await s.Collections.CreateCollectionAsync(a, "c2", "arn", "6.0", T0, c),
        ["DeleteCollection"] = async (s, a, c) => Assert.True((await s.Collections.DeleteCollectionAsync(a, "c3", c)).Deleted),
        ["AddFaces"] = async (s, a, c) => await s.Collections.AddFacesAsync(a, "c1", [Face("f3")], T0, c),
        ["DeleteFaces"] = async (s, a, c) => Assert.Single((await s.Collections.DeleteFacesAsync(a, "c1", ["f1"], c)).Deleted),
        ["DeleteFacesRefusedByHold"] = async (s, a, c) => Assert.Equal(["f2"], (await s.Collections.DeleteFacesAsync(a, "c1", ["f2"], c)).Held),
        ["CreateUser"] = async (s, a, c) => await s.Collections.CreateUserAsync(a, "c1", "u2", T0, null, c),
        ["DeleteUser"] = async (s, a, c) => Assert.True(await s.Collections.DeleteUserAsync(a, "c1", "u1", c)),
        ["SetFaceUser"] = async (s, a, c) => await s.Collections.SetFaceUserAsync(a, "c1", ["f1"], "u1", c),
        ["UpdateTags"] = async (s, a, c) => await s.Collections.UpdateTagsAsync(a, "c1", new Dictionary<string, string> { ["k"] = "v" }, [], c),
        ["AddKey"] = async (s, a, c) => await s.Keys.AddKeyAsync(a, new StoredAccessKey("K2", "analyst", [1], [2], T0, null, null, null, null), c),
        ["RevokeKey"] = async (s, a, c) => Assert.True(await s.Keys.RevokeKeyAsync(a, "K1", T0, c)),
        ["SetPolicy"] = async (s, a, c) => await s.Policy.SetPolicyAsync(a, "requireCase", "false", c),
        ["SetLeadDecision"] = async (s, a, c) => Assert.NotNull(await s.Leads.SetLeadDecisionAsync(a, (await s.Leads.ListLeadsAsync(null, null, 1, c).SingleAsync(c)).LeadId, LeadStatus.Pending, LeadStatus.Rejected, "not him", "reviewer", c)),
        ["SetRetention"] = async (s, a, c) => await s.Retention.SetRetentionAsync(a, new RetentionRule("c1", 30, 60), c),
        ["PlaceHold"] = async (s, a, c) => await s.Retention.PlaceHoldAsync(a, new LegalHold("case-2", "order", "admin", T0), c),
        ["LiftHold"] = async (s, a, c) => Assert.True(await s.Retention.LiftHoldAsync(a, "case-1", c)),
        ["Sweep"] = async (s, a, c) => Assert.Single((await s.Retention.SweepAsync(a, "c1", T0.AddDays(1), null, 10, c)).Faces),
        ["AddDetector"] = async (s, a, c) => await s.Detectors.AddDetectorAsync(a, new DetectorRecord("d2", "yolo", 1, 1, ["x"], "sha", 1, null, T0), c),
        ["DeleteDetector"] = async (s, a, c) => Assert.True(await s.Detectors.DeleteDetectorAsync(a, "d1", c)),
        ["AddAlertRule"] = async (s, a, c) => await s.Alerts.AddAlertRuleAsync(a, new AlertRule("r2", "Car", 50, null, "https://hooks.example/", "secret", null, T0), c),
        ["DeleteAlertRule"] = async (s, a, c) => Assert.True(await s.Alerts.DeleteAlertRuleAsync(a, "r1", c)),
        ["PutHotlistEntry"] = async (s, a, c) => await s.Hotlists.PutHotlistEntryAsync(a, new HotlistEntry("stolen", "XYZ789", "r", null, "o", T0), c),
        ["RemoveHotlistEntry"] = async (s, a, c) => Assert.True(await s.Hotlists.RemoveHotlistEntryAsync(a, "stolen", "ABC123", c)),
        ["AddCamera"] = async (s, a, c) => await s.Cameras.AddCameraAsync(a, Camera("cam2"), c),
        ["UpdateCamera"] = async (s, a, c) => await s.Cameras.UpdateCameraAsync(a, Camera("cam1") with { UpdatedAt = T0.AddMinutes(1) }, c),
        ["DeleteCamera"] = async (s, a, c) => Assert.True(await s.Cameras.DeleteCameraAsync(a, "cam1", c)),
        ["AddAuthorization"] = async (s, a, c) => await s.Authorizations.AddAuthorizationAsync(a, Authorization("auth-2"), c),
        ["RevokeAuthorization"] = async (s, a, c) => Assert.True(await s.Authorizations.RevokeAuthorizationAsync(a, Authorization("auth-1") with { RevokedAt = T0.AddHours(1), RevokedBy = "admin", RevokeReason = "closed" }, c)),
        ["AddEventAction"] = async (s, a, c) => Assert.True(await s.Events.AddEventActionAsync(a, new EventAction("e1", EventActions.Acknowledge, "K1", T0.AddMinutes(5), "seen"), c)),
        ["AddSession"] = async (s, a, c) => await s.Sessions.AddSessionAsync(a, new WebSession("h2", "K1", T0, T0.AddHours(8)), c),
        ["RevokeSession"] = async (s, a, c) => Assert.True(await s.Sessions.RevokeSessionAsync(a, "h1", T0.AddHours(1), c)),
        ["SetEventCase"] = async (s, a, c) => Assert.NotNull(await s.Events.SetEventCaseAsync(a, "e1", "case-1", c)),
        ["SweepEvents"] = async (s, a, c) => Assert.Equal(["e1"], (await s.Events.SweepEventsAsync(a, "cam1", T0.AddDays(1), 10, c)).Deleted),
        ["AppendAudit"] = async (s, a, c) => await s.Audit.AppendAuditAsync(a, c),
        ["AppendSearch"] = async (s, a, c) => await s.Leads.AppendSearchAsync(a, [new("face", "f1", 99.5f)], null, c),
        ["SucceedWithLeads"] = async (s, a, c) => Assert.True(await s.Jobs.SucceedWithLeadsAsync("j1", a, [new("face", "f1", 99.5f)], T0, c)),
    };

    /// <summary>Writes that are not audited (job and alert bookkeeping).</summary>
    private static readonly Dictionary<string, Func<Stores, CancellationToken, Task>> s_unaudited = new()
    {
        ["AddJob"] = async (s, c) => await s.Jobs.AddJobAsync(Job("j2"), c),
        ["SetJobStatus"] = async (s, c) => await s.Jobs.SetJobStatusAsync("j1", "FAILED", "x", T0, c),
        ["LeaseJob"] = async (s, c) => await s.Jobs.LeaseJobAsync("node-a", T0, T0.AddSeconds(30), c),
        ["RenewJobLease"] = async (s, c) => await s.Jobs.RenewJobLeaseAsync("j1", "node-a", T0.AddSeconds(60), c),
        ["SaveJobResults"] = async (s, c) => await s.Jobs.SaveJobResultsAsync("j1", "node-a", "{}", c),
        ["HoldWork"] = async (s, c) => await s.Jobs.HoldWorkAsync("retention", "node-a", T0, T0.AddSeconds(60), c),
        ["AddAlerts"] = async (s, c) => await s.Alerts.AddAlertsAsync([new AlertRecord("a2", "r1", "Person", 90, new NormalBox(0, 0, 1, 1), "upload", null, T0)], c),
        ["SetAlertDelivery"] = async (s, c) => await s.Alerts.SetAlertDeliveryAsync("a1", AlertStatus.Delivered, 1, null, T0, c),
        ["SetCameraStatus"] = async (s, c) => await s.Cameras.SetCameraStatusAsync(Status("cam1", CameraStates.Error), c),
        ["AddEvent"] = async (s, c) => await s.Events.AddEventAsync(LiveEvent("e2", "cam1", T0.AddMinutes(2)), c),
        ["SetEventClip"] = async (s, c) => await s.Events.SetEventClipAsync("e1", c),
        ["UpdateEvent"] = async (s, c) => await s.Events.UpdateEventAsync(LiveEvent("e1", "cam1", T0) with { EndTime = T0.AddSeconds(9) }, c),
    };

    public static TheoryData<string> AuditedWrites => [.. s_audited.Keys];

    public static TheoryData<string> UnauditedWrites => [.. s_unaudited.Keys];

    /// <summary>Collections c1 (faces f1, f2; f2 under the hold on case-1; user u1) and c3 (one face), and one of everything else.</summary>
    private async Task SeedAuditedAsync()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c1", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c1", [Face("f1"), Face("f2")], T0, Ct);
        await S.Collections.CreateCollectionAsync(Tester, "c3", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c3", [Face("g1")], T0, Ct);
        await S.Collections.CreateUserAsync(Tester, "c1", "u1", T0, null, Ct);
        await S.Keys.AddKeyAsync(Tester, new StoredAccessKey("K1", "admin", [1], [2], T0, null, null, null, null), Ct);
        await S.Leads.AppendSearchAsync(Entry("SearchFaces", actor: "searcher") with { Case = "case-1", CollectionId = "c1" }, [new("face", "f2", 99f)], null, Ct);
        await S.Retention.PlaceHoldAsync(Tester, new LegalHold("case-1", "order", "admin", T0), Ct);
        await S.Detectors.AddDetectorAsync(Tester, new DetectorRecord("d1", "yolo", 1, 1, ["x"], "sha", 1, null, T0), Ct);
        await S.Alerts.AddAlertRuleAsync(Tester, new AlertRule("r1", "Person", 50, null, "https://hooks.example/", "secret", null, T0), Ct);
        await S.Alerts.AddAlertsAsync([new AlertRecord("a1", "r1", "Person", 90, new NormalBox(0, 0, 1, 1), "upload", null, T0)], Ct);
        await S.Hotlists.PutHotlistEntryAsync(Tester, new HotlistEntry("stolen", "ABC123", "r", null, "o", T0), Ct);
        await S.Jobs.AddJobAsync(Job("j1"), Ct);
        await S.Cameras.AddCameraAsync(Tester, Camera("cam1"), Ct);
        await S.Cameras.SetCameraStatusAsync(Status("cam1", CameraStates.Streaming), Ct);
        await S.Events.AddEventAsync(LiveEvent("e1", "cam1", T0), Ct);
        await S.Authorizations.AddAuthorizationAsync(Tester, Authorization("auth-1"), Ct);
        await S.Sessions.AddSessionAsync(Tester, new WebSession("h1", "K1", T0, T0.AddHours(8)), Ct);
    }

    [Theory]
    [MemberData(nameof(AuditedWrites))]
    public async Task An_audited_write_commits_exactly_one_record_of_the_entry_it_was_given(string write)
    {
        await SeedAuditedAsync();
        var before = (await AuditLogAsync());
        var entry = Entry(write) with { Threshold = 99.5f, Probe = "sha256:abc" };
        await s_audited[write](S, entry, Ct);
        var after = (await AuditLogAsync());
        Assert.Equal(before.Count + 1, after.Count);
        var record = after[^1];
        Assert.Equal(entry with { Details = record.Entry.Details, CollectionId = record.Entry.CollectionId }, record.Entry);
        Assert.True((await S.Audit.VerifyAuditAsync(Ct)).Intact);
    }

    [Theory]
    [MemberData(nameof(UnauditedWrites))]
    public async Task Job_and_alert_bookkeeping_is_not_audited(string write)
    {
        await SeedAuditedAsync();
        int before = (await AuditLogAsync()).Count;
        await s_unaudited[write](S, Ct);
        Assert.Equal(before, (await AuditLogAsync()).Count);
    }

    [Fact]
    public async Task A_record_names_what_the_write_touched()
    {
        await SeedAuditedAsync();
        await S.Collections.AddFacesAsync(Entry("IndexFaces"), "c1", [Face("f8"), Face("f9")], T0, Ct);
        await S.Collections.CreateCollectionAsync(Entry("CreateCollection") with { CollectionId = "given" }, "c9", "arn", "6.0", T0, Ct);
        await S.Policy.SetPolicyAsync(Entry("SetPolicy"), "identificationThresholdFloor", "99.5", Ct);
        await S.Collections.DeleteFacesAsync(Entry("DeleteFaces"), "c1", ["f2", "f8", "nope"], Ct);
        var log = (await AuditLogAsync());
        Assert.Equal(("c1", "[\"f8\",\"f9\"]"), (log[^4].Entry.CollectionId, log[^4].Entry.Details));
        Assert.Equal("given", log[^3].Entry.CollectionId); // the entry's own collection stands
        Assert.Equal("[\"identificationThresholdFloor\",\"99.5\"]", log[^2].Entry.Details);
        Assert.Equal(("c1", "{\"deleted\":[\"f8\"],\"held\":[\"f2\"]}"), (log[^1].Entry.CollectionId, log[^1].Entry.Details));
    }

    [Fact]
    public async Task A_failed_or_empty_write_leaves_neither_effect_nor_record()
    {
        await SeedAuditedAsync();
        int before = (await AuditLogAsync()).Count;
        var entry = Entry("failing");
        await FailsAsync(ErrorKind.ResourceAlreadyExists, async () => await S.Collections.CreateCollectionAsync(entry, "c1", "arn", "6.0", T0, Ct));
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await S.Collections.UpdateTagsAsync(entry, "missing", new Dictionary<string, string> { ["a"] = "1" }, [], Ct));
        await FailsAsync(ErrorKind.Conflict, async () => await S.Collections.CreateUserAsync(entry, "c1", "u1", T0, null, Ct));
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await S.Collections.AddFacesAsync(entry, "missing", [Face("x1")], T0, Ct));
        await FailsAsync(ErrorKind.ResourceAlreadyExists, async () => await S.Keys.AddKeyAsync(entry, new StoredAccessKey("K1", "admin", [1], [2], T0, null, null, null, null), Ct));
        await FailsAsync(ErrorKind.ResourceAlreadyExists, async () => await S.Detectors.AddDetectorAsync(entry, new DetectorRecord("d1", "yolo", 1, 1, ["x"], "sha", 1, null, T0), Ct));
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await S.Retention.SetRetentionAsync(entry, new RetentionRule("missing", 1, 1), Ct));
        Assert.False((await S.Collections.DeleteCollectionAsync(entry, "missing", Ct)).Existed);
        Assert.Empty((await S.Collections.DeleteFacesAsync(entry, "c1", ["nope"], Ct)).Deleted);
        Assert.False(await S.Collections.DeleteUserAsync(entry, "c1", "nobody", Ct));
        Assert.False(await S.Keys.RevokeKeyAsync(entry, "no-such-key", T0, Ct));
        Assert.Null(await S.Leads.SetLeadDecisionAsync(entry, Guid.NewGuid().ToString(), LeadStatus.Pending, LeadStatus.Confirmed, "n", "reviewer", Ct));
        Assert.False(await S.Retention.LiftHoldAsync(entry, "no-such-case", Ct));
        Assert.False(await S.Detectors.DeleteDetectorAsync(entry, "no-such-detector", Ct));
        Assert.False(await S.Alerts.DeleteAlertRuleAsync(entry, "no-such-rule", Ct));
        Assert.False(await S.Hotlists.RemoveHotlistEntryAsync(entry, "stolen", "NOPE", Ct));
        Assert.Empty((await S.Retention.SweepAsync(entry, "c1", T0.AddDays(-1), T0.AddDays(-1), 10, Ct)).Faces);
        Assert.False(await S.Jobs.SucceedWithLeadsAsync("no-such-job", entry, [new("face", "f1", 99.5f)], T0, Ct));
        Assert.Empty(await S.Collections.GetTagsAsync("c1", Ct));
        Assert.Equal(["f1", "f2"], (await S.Collections.ListFacesAsync("c1", 0, 10, FaceFilter.All, Ct)).Select(f => f.FaceId));
        Assert.Equal(before, (await AuditLogAsync()).Count);
        Assert.DoesNotContain((await AuditLogAsync()), r => r.Entry.Operation == "failing");
    }

    private static AuditEntry Search(int i) => new("SLTESTKEY", "analyst", "SearchFacesByImage")
    {
        CollectionId = "booking", Case = $"2026-{i:000}", Purpose = "investigation", Threshold = 99f + i / 1000f, Probe = "sha256:" + new string('a', 64),
        Details = $"[{{\"faceId\":\"f{i}\",\"similarity\":99.5,\"note\":\"ünï\\\"code\"}}]",
    };

    private async Task FillAsync(int n)
    {
        for (int i = 1; i <= n; i++)
            Assert.Equal(i, await S.Audit.AppendAuditAsync(Search(i), Ct));
    }

    [Fact]
    public async Task A_long_chain_verifies_and_reads_back_in_pages_and_by_time()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await FillAsync(250);
        var result = await S.Audit.VerifyAuditAsync(Ct);
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(250, result.Records);
        var page = await S.Audit.ReadAuditAsync(9, 2, Ct);
        Assert.Equal([10L, 11L], page.Select(r => r.Seq));
        Assert.Equal(Search(10), page[0].Entry);
        Assert.Equal(page[0].Hash, page[1].PrevHash);
        Assert.Equal(AuditChain.Hash(11, page[1].At, page[1].Entry, page[1].PrevHash), page[1].Hash);
        Assert.Equal(AuditChain.Genesis, (await S.Audit.ReadAuditAsync(0, 1, Ct)).Single().PrevHash);
        Assert.Equal(250, (await S.Audit.ReadAuditBetweenAsync(start, DateTimeOffset.UtcNow.AddSeconds(1), Ct).ToListAsync(Ct)).Count());
        Assert.Empty((await S.Audit.ReadAuditBetweenAsync(start.AddDays(-2), start.AddDays(-1), Ct).ToListAsync(Ct)));
        Assert.True((await Open().Audit.VerifyAuditAsync(Ct)).Intact); // another instance, the same key: the same verdict
    }

    [Fact]
    public async Task The_database_itself_refuses_to_change_or_delete_audit_records()
    {
        await FillAsync(3);
        foreach (string sql in new[] { "DELETE FROM audit_log WHERE seq = 2;", "UPDATE audit_log SET actor = 'someone else' WHERE seq = 1;" })
            Assert.Contains("append-only", Assert.ThrowsAny<DbException>(() => ExecuteAsStore(Database, sql)).Message, StringComparison.Ordinal);
        Assert.True((await S.Audit.VerifyAuditAsync(Ct)).Intact);
        Assert.Equal(3, (await S.Audit.ReadAuditAsync(0, 10, Ct)).Count);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET case_id = '2026-999' WHERE seq = 120;", 120, "altered")]
    [InlineData("UPDATE audit_log SET details = '[]' WHERE seq = 7;", 7, "altered")]
    [InlineData("UPDATE audit_log SET at = at + 1 WHERE seq = 201;", 201, "altered")]
    [InlineData("DELETE FROM audit_log WHERE seq = 50;", 50, "missing")]
    [InlineData("DELETE FROM audit_log WHERE seq = 100;", 100, "missing")]
    [InlineData("DELETE FROM audit_log WHERE seq >= 240;", 240, "removed")]
    public async Task Tampering_behind_the_store_is_caught_at_the_first_bad_record(string sql, long firstBad, string problem)
    {
        await FillAsync(250);
        Tamper(Database, sql);
        var result = await S.Audit.VerifyAuditAsync(Ct);
        Assert.False(result.Intact);
        Assert.Equal(firstBad, result.FirstBadSeq);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_rewritten_after_an_edit_is_caught_by_the_seals()
    {
        await FillAsync(150);
        // Edit record 5 and recompute every hash after it, head included, as someone without the seal key would.
        var sql = new System.Text.StringBuilder();
        string prev = AuditChain.Genesis;
        foreach (var r in await S.Audit.ReadAuditAsync(0, 1000, Ct))
        {
            var entry = r.Seq == 5 ? r.Entry with { Case = "2026-forged" } : r.Entry;
            string hash = AuditChain.Hash(r.Seq, r.At, entry, prev);
            if (r.Seq >= 5)
                sql.Append($"UPDATE audit_log SET case_id = '{entry.Case}', prev_hash = '{prev}', hash = '{hash}' WHERE seq = {r.Seq};\n");
            prev = hash;
        }
        sql.Append($"UPDATE audit_head SET seq = 150, hash = '{prev}';");
        Tamper(Database, sql.ToString());
        Assert.Equal("2026-forged", (await S.Audit.ReadAuditAsync(4, 1, Ct)).Single().Entry.Case);
        var result = await S.Audit.VerifyAuditAsync(Ct);
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
    public async Task Appends_from_two_store_instances_on_many_threads_make_one_unbroken_chain()
    {
        await S.Collections.CreateCollectionAsync(Tester, "seed", "arn", "6.0", T0, Ct);
        int seeded = (await AuditLogAsync()).Count;
        var stores = new[] { S, Open() };
        const int Threads = 6, Each = 25;
        var results = await TogetherAsync(Threads, async t =>
        {
            var store = stores[t % 2];
            for (int i = 0; i < Each; i++)
            {
                if (i % 3 == 0)
                    await store.Collections.AddFacesAsync(Entry($"thread {t} write {i}"), "seed", [Face($"t{t}-{i}")], T0, Ct);
                else
                {
                    await store.Audit.AppendAuditAsync(Search(t * 100 + i), Ct);
                }
            }
            return null;
        });
        Assert.All(results, r => Assert.Null(r));
        var verification = await S.Audit.VerifyAuditAsync(Ct);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(seeded + Threads * Each, verification.Records);
        Assert.Equal(Enumerable.Range(1, seeded + Threads * Each).Select(i => (long)i), (await AuditLogAsync()).Select(r => r.Seq));
        Assert.Equal(Threads * ((Each + 2) / 3), (await S.Collections.GetCollectionAsync("seed", true, Ct))!.FaceCount);
    }
}
