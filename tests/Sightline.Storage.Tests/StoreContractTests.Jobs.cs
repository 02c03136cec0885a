namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static StoredJob Job(string id, string? token = null, string kind = "FaceSearch", DateTimeOffset? at = null) =>
        new(id, kind, "IN_PROGRESS", null, "{\"CollectionId\":\"c\"}", token, "tag", "SLKEY1", at ?? T0, null) { Case = "2026-001", Purpose = "investigation", Role = "analyst" };

    private static readonly LeadMatch[] s_matches = [new("face", "f1", 99.5f), new("face", "f2", 99.25f), new("user", "u1", 99.125f)];

    [Fact]
    public async Task Jobs_are_kept_found_by_token_listed_by_status_and_updated()
    {
        await S.Jobs.AddJobAsync(Job("j2", "tok", at: T0.AddSeconds(2)), Ct);
        await S.Jobs.AddJobAsync(Job("j1", at: T0), Ct);
        await S.Jobs.AddJobAsync(Job("j3", "tok", kind: "LabelDetection", at: T0.AddSeconds(1)), Ct); // tokens are per kind
        await FailsAsync(ErrorKind.Conflict, async () => await S.Jobs.AddJobAsync(Job("j4", "tok"), Ct));
        await FailsAsync(ErrorKind.Conflict, async () => await S.Jobs.AddJobAsync(Job("j1"), Ct));

        Assert.Equal(Job("j2", "tok", at: T0.AddSeconds(2)), await S.Jobs.GetJobAsync("j2", Ct));
        Assert.Null(await S.Jobs.GetJobAsync("j9", Ct));
        Assert.Equal("j2", (await S.Jobs.FindJobByTokenAsync("FaceSearch", "tok", Ct))!.JobId);
        Assert.Equal("j3", (await S.Jobs.FindJobByTokenAsync("LabelDetection", "tok", Ct))!.JobId);
        Assert.Null(await S.Jobs.FindJobByTokenAsync("FaceSearch", "other", Ct));
        Assert.Equal(["j1", "j3", "j2"], (await S.Jobs.ListJobsAsync("IN_PROGRESS", Ct)).Select(j => j.JobId));

        await S.Jobs.SetJobStatusAsync("j1", "FAILED", "bad video", T0.AddMinutes(1), Ct);
        var failed = (await S.Jobs.GetJobAsync("j1", Ct))!;
        Assert.Equal(("FAILED", "bad video", (DateTimeOffset?)T0.AddMinutes(1)), (failed.Status, failed.StatusMessage, failed.CompletedAt));
        Assert.Equal(["j1"], (await S.Jobs.ListJobsAsync("FAILED", Ct)).Select(j => j.JobId));
    }

    [Fact]
    public async Task A_job_is_leased_to_one_holder_at_a_time_and_taken_over_once_its_lease_runs_out()
    {
        await S.Jobs.AddJobAsync(Job("j2", at: T0.AddSeconds(2)), Ct);
        await S.Jobs.AddJobAsync(Job("j1", at: T0), Ct);
        var lease = T0.AddSeconds(30);
        Assert.Equal("j1", (await S.Jobs.LeaseJobAsync("node-a", T0, lease, Ct))!.JobId); // the oldest first
        Assert.Equal("j1", (await S.Jobs.LeaseJobAsync("node-a", T0, lease, Ct))!.JobId); // a holder (restarted) takes its own back
        Assert.Equal("j2", (await S.Jobs.LeaseJobAsync("node-b", T0.AddSeconds(1), lease, Ct))!.JobId);
        Assert.Null(await S.Jobs.LeaseJobAsync("node-c", T0.AddSeconds(1), lease, Ct)); // both held
        Assert.True(await S.Jobs.RenewJobLeaseAsync("j1", "node-a", T0.AddSeconds(60), Ct));
        Assert.False(await S.Jobs.RenewJobLeaseAsync("j1", "node-b", T0.AddSeconds(60), Ct));

        // node-b dies: once its lease has run out, j2 goes to the next that asks; node-b's renewal then fails.
        Assert.Null(await S.Jobs.LeaseJobAsync("node-c", T0.AddSeconds(30), T0.AddSeconds(60), Ct));
        Assert.Equal("j2", (await S.Jobs.LeaseJobAsync("node-c", T0.AddSeconds(31), T0.AddSeconds(61), Ct))!.JobId);
        Assert.False(await S.Jobs.RenewJobLeaseAsync("j2", "node-b", T0.AddSeconds(90), Ct));
        Assert.Equal(Job("j2", at: T0.AddSeconds(2)), await S.Jobs.GetJobAsync("j2", Ct)); // the job itself unchanged

        // A finished job is leased to no one and its lease is not renewed.
        await S.Jobs.SetJobStatusAsync("j1", "SUCCEEDED", null, T0.AddSeconds(40), Ct);
        Assert.False(await S.Jobs.RenewJobLeaseAsync("j1", "node-a", T0.AddSeconds(90), Ct));
        Assert.Equal("j2", (await S.Jobs.LeaseJobAsync("node-a", T0.AddHours(1), T0.AddHours(2), Ct))!.JobId); // not j1: only j2, whose lease ran out
    }

    [Fact]
    public async Task Results_are_stored_only_by_the_holder_of_the_jobs_lease_and_read_by_anyone()
    {
        await S.Jobs.AddJobAsync(Job("j1"), Ct);
        Assert.False(await S.Jobs.SaveJobResultsAsync("j1", "node-a", "{\"a\":1}", Ct)); // not leased yet
        Assert.NotNull(await S.Jobs.LeaseJobAsync("node-a", T0, T0.AddSeconds(30), Ct));
        Assert.False(await S.Jobs.SaveJobResultsAsync("j1", "node-b", "{\"b\":1}", Ct));
        Assert.False(await S.Jobs.SaveJobResultsAsync("missing", "node-a", "{}", Ct));
        Assert.Null(await S.Jobs.GetJobResultsAsync("j1", Ct));
        Assert.True(await S.Jobs.SaveJobResultsAsync("j1", "node-a", "{\"a\":1}", Ct));
        Assert.True(await S.Jobs.SaveJobResultsAsync("j1", "node-a", "{\"a\":2}", Ct)); // replaced
        Assert.Equal("{\"a\":2}", await Open().Jobs.GetJobResultsAsync("j1", Ct));
        await S.Jobs.SetJobStatusAsync("j1", "SUCCEEDED", null, T0, Ct);
        Assert.False(await S.Jobs.SaveJobResultsAsync("j1", "node-a", "{\"a\":3}", Ct)); // finished: kept as it was
        Assert.Equal("{\"a\":2}", await S.Jobs.GetJobResultsAsync("j1", Ct));
    }

    [Fact]
    public async Task Work_done_once_for_the_database_is_held_by_one_node_until_its_lease_runs_out()
    {
        Assert.True(await S.Jobs.HoldWorkAsync("retention", "node-a", T0, T0.AddMinutes(2), Ct));
        Assert.False(await S.Jobs.HoldWorkAsync("retention", "node-b", T0.AddMinutes(1), T0.AddMinutes(3), Ct));
        Assert.True(await S.Jobs.HoldWorkAsync("other-work", "node-b", T0.AddMinutes(1), T0.AddMinutes(3), Ct)); // leases are per work
        Assert.True(await S.Jobs.HoldWorkAsync("retention", "node-a", T0.AddMinutes(1), T0.AddMinutes(3), Ct)); // renewed
        Assert.False(await S.Jobs.HoldWorkAsync("retention", "node-b", T0.AddMinutes(3), T0.AddMinutes(5), Ct)); // not yet run out
        Assert.True(await S.Jobs.HoldWorkAsync("retention", "node-b", T0.AddMinutes(3).AddMilliseconds(1), T0.AddMinutes(5), Ct)); // node-a gone
        Assert.False(await S.Jobs.HoldWorkAsync("retention", "node-a", T0.AddMinutes(4), T0.AddMinutes(6), Ct));

        var stores = new[] { S, Open() };
        var results = await TogetherAsync(6, async t => await stores[t % 2].Jobs.HoldWorkAsync("race", $"node-{t}", T0, T0.AddMinutes(1), Ct));
        Assert.Equal(1, results.Count(r => r is true));
    }

    [Fact]
    public async Task Nodes_leasing_at_once_on_two_store_instances_never_get_the_same_job()
    {
        for (int i = 0; i < 3; i++)
            await S.Jobs.AddJobAsync(Job($"j{i}", at: T0.AddSeconds(i)), Ct);
        var stores = new[] { S, Open() };
        var results = await TogetherAsync(6, async t => await stores[t % 2].Jobs.LeaseJobAsync($"node-{t}", T0.AddSeconds(10), T0.AddSeconds(40), Ct));
        var leased = results.OfType<StoredJob>().Select(j => j.JobId).ToList();
        Assert.Equal(leased.Count, leased.Distinct().Count());
        Assert.All(results, r => Assert.True(r is null or StoredJob, $"{r}"));
        // Whatever was skipped while others held locks is leased now: every job went to exactly one node.
        for (int n = 0; n < 3 && await S.Jobs.LeaseJobAsync($"late-{n}", T0.AddSeconds(10), T0.AddSeconds(40), Ct) is { } more; n++)
            leased.Add(more.JobId);
        Assert.Equal(["j0", "j1", "j2"], leased.Order());
    }

    [Fact]
    public async Task Jobs_started_at_once_with_one_client_token_on_two_store_instances_make_one_job()
    {
        var stores = new[] { S, Open() };
        var results = await TogetherAsync(4, async t =>
        {
            await stores[t % 2].Jobs.AddJobAsync(Job($"j{t}", "retry-token"), Ct);
            return null;
        });
        Assert.Single(results, r => r is null);
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(ErrorKind.Conflict, Assert.IsType<SightlineException>(r).Kind));
        var job = await S.Jobs.FindJobByTokenAsync("FaceSearch", "retry-token", Ct);
        Assert.Equal([job!.JobId], (await S.Jobs.ListJobsAsync("IN_PROGRESS", Ct)).Select(j => j.JobId));
    }

    [Fact]
    public async Task A_job_succeeds_with_its_leads_exactly_once()
    {
        await S.Jobs.AddJobAsync(Job("j"), Ct);
        int records = (await AuditLogAsync()).Count;
        Assert.True(await S.Jobs.SucceedWithLeadsAsync("j", Entry("StartFaceSearch"), s_matches, T0.AddMinutes(5), Ct));
        Assert.False(await S.Jobs.SucceedWithLeadsAsync("j", Entry("StartFaceSearch"), s_matches, T0.AddMinutes(6), Ct));
        Assert.False(await S.Jobs.SucceedWithLeadsAsync("missing", Entry("StartFaceSearch"), s_matches, T0, Ct));

        var job = (await S.Jobs.GetJobAsync("j", Ct))!;
        Assert.Equal(("SUCCEEDED", (string?)null, (DateTimeOffset?)T0.AddMinutes(5)), (job.Status, job.StatusMessage, job.CompletedAt));
        var log = (await AuditLogAsync());
        Assert.Equal(records + 1, log.Count);
        var leads = (await S.Leads.ListLeadsAsync("2026-001", null, 100, Ct).ToListAsync(Ct));
        Assert.Equal(["f1", "f2", "u1"], leads.Select(l => l.SubjectId).Order());
        Assert.All(leads, l => Assert.Equal((log[^1].Seq, LeadStatus.Pending, "tester"), (l.SearchSeq, l.Status, l.SearchedBy)));
    }

    [Fact]
    public async Task Racing_job_completions_from_two_store_instances_record_the_leads_once()
    {
        await S.Jobs.AddJobAsync(Job("j"), Ct);
        var stores = new[] { S, Open() };
        var results = await TogetherAsync(4, async t => await stores[t % 2].Jobs.SucceedWithLeadsAsync("j", Entry("StartFaceSearch"), s_matches, T0, Ct));
        Assert.Equal(1, results.Count(r => r is true));
        Assert.Equal(3, results.Count(r => r is false));
        Assert.Equal(3, (await S.Leads.ListLeadsAsync(null, null, 100, Ct).ToListAsync(Ct)).Count);
        Assert.Single((await AuditLogAsync()));
    }

    [Fact]
    public async Task A_search_records_one_pending_lead_per_match_under_its_audit_record()
    {
        Assert.Equal(1, await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { CollectionId = "c" }, s_matches, null, Ct));
        Assert.Equal(2, await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "2026-002" }, [new("face", "f9", 99f)], null, Ct));
        Assert.Equal(3, await S.Leads.AppendSearchAsync(Entry("SearchFaces"), [], null, Ct));

        var leads = (await S.Leads.ListLeadsAsync("2026-001", null, 100, Ct).ToListAsync(Ct));
        Assert.Equal(3, leads.Count);
        var f2 = leads.Single(l => l.SubjectId == "f2");
        Assert.Equal((1L, "2026-001", "investigation", "c", "face", 99.25f, "tester", LeadStatus.Pending), (f2.SearchSeq, f2.Case, f2.Purpose, f2.CollectionId, f2.SubjectType, f2.Similarity, f2.SearchedBy, f2.Status));
        Assert.Equal(leads.Count, leads.Select(l => l.LeadId).Distinct().Count());
        Assert.Equal(4, (await S.Leads.ListLeadsAsync(null, null, 100, Ct).ToListAsync(Ct)).Count);
        Assert.Equal(2, (await S.Leads.ListLeadsAsync(null, null, 2, Ct).ToListAsync(Ct)).Count);
        Assert.Equal(["f9"], (await S.Leads.ListLeadsAsync("2026-002", LeadStatus.Pending, 10, Ct).ToListAsync(Ct)).Select(l => l.SubjectId));
        Assert.Empty((await S.Leads.ListLeadsAsync(null, LeadStatus.Confirmed, 10, Ct).ToListAsync(Ct)));
    }

    [Fact]
    public async Task A_decision_is_stored_only_while_the_lead_is_in_the_status_it_is_decided_from()
    {
        await S.Leads.AppendSearchAsync(Entry("SearchFaces", actor: "searcher"), s_matches, null, Ct);
        var leads = (await S.Leads.ListLeadsAsync(null, null, 10, Ct).ToListAsync(Ct));
        Assert.Equal(leads[0], await S.Leads.GetLeadAsync(leads[0].LeadId, Ct));
        Assert.Null(await S.Leads.GetLeadAsync(Guid.NewGuid().ToString(), Ct));

        var reviewed = (await S.Leads.SetLeadDecisionAsync(Entry("ReviewLead"), leads[0].LeadId, LeadStatus.Pending, LeadStatus.Confirmed, "matches the tattoo", "reviewer", Ct))!;
        Assert.Equal((LeadStatus.Confirmed, "reviewer", "matches the tattoo"), (reviewed.Status, reviewed.Reviewer, reviewed.Note));
        Assert.NotNull(reviewed.ReviewedAt);
        Assert.Equal(reviewed, await S.Leads.GetLeadAsync(leads[0].LeadId, Ct));
        Assert.Equal(reviewed, (await S.Leads.ListLeadsAsync(null, LeadStatus.Confirmed, 10, Ct).ToListAsync(Ct)).Single());
        // No longer pending: a second decision from pending writes nothing and records nothing.
        int records = (await AuditLogAsync()).Count;
        Assert.Null(await S.Leads.SetLeadDecisionAsync(Entry("ReviewLead"), leads[0].LeadId, LeadStatus.Pending, LeadStatus.Rejected, "again", "other", Ct));
        Assert.Equal(reviewed, await S.Leads.GetLeadAsync(leads[0].LeadId, Ct));
        Assert.Equal(records, (await AuditLogAsync()).Count);
        Assert.Equal(LeadStatus.Rejected, (await S.Leads.SetLeadDecisionAsync(Entry("ReviewLead"), leads[1].LeadId, LeadStatus.Pending, LeadStatus.Rejected, "own", "searcher", Ct))!.Status);
    }

    [Fact]
    public async Task Two_reviewers_racing_on_one_lead_leave_one_decision()
    {
        await S.Leads.AppendSearchAsync(Entry("SearchFaces", actor: "searcher"), [s_matches[0]], null, Ct);
        string id = (await S.Leads.ListLeadsAsync(null, null, 1, Ct).ToListAsync(Ct)).Single().LeadId;
        var stores = new[] { S, Open() };
        var results = await TogetherAsync(4, async t => await stores[t % 2].Leads.SetLeadDecisionAsync(Entry("ReviewLead", $"reviewer{t}"), id, LeadStatus.Pending, LeadStatus.Confirmed, $"note {t}", $"reviewer{t}", Ct));
        var winner = Assert.Single(results.OfType<Lead>());
        Assert.Equal(3, results.Count(r => r is null));
        Assert.Equal(winner.Note, (await S.Leads.ListLeadsAsync(null, null, 1, Ct).ToListAsync(Ct)).Single().Note);
        Assert.Single((await AuditLogAsync()), r => r.Entry.Operation == "ReviewLead");
    }
}
