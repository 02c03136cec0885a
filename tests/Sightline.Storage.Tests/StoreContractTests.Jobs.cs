namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static StoredJob Job(string id, string? token = null, string kind = "FaceSearch", DateTimeOffset? at = null) =>
        new(id, kind, "IN_PROGRESS", null, "{\"CollectionId\":\"c\"}", token, "tag", "SLKEY1", at ?? T0, null) { Case = "2026-001", Purpose = "investigation", Role = "analyst" };

    private static readonly LeadMatch[] s_matches = [new("face", "f1", 99.5f), new("face", "f2", 99.25f), new("user", "u1", 99.125f)];

    [Fact]
    public void Jobs_are_kept_found_by_token_listed_by_status_and_updated()
    {
        S.Jobs.AddJob(Job("j2", "tok", at: T0.AddSeconds(2)));
        S.Jobs.AddJob(Job("j1", at: T0));
        S.Jobs.AddJob(Job("j3", "tok", kind: "LabelDetection", at: T0.AddSeconds(1))); // tokens are per kind
        Fails(ErrorKind.Conflict, () => S.Jobs.AddJob(Job("j4", "tok")));
        Fails(ErrorKind.Conflict, () => S.Jobs.AddJob(Job("j1")));

        Assert.Equal(Job("j2", "tok", at: T0.AddSeconds(2)), S.Jobs.GetJob("j2"));
        Assert.Null(S.Jobs.GetJob("j9"));
        Assert.Equal("j2", S.Jobs.FindJobByToken("FaceSearch", "tok")!.JobId);
        Assert.Equal("j3", S.Jobs.FindJobByToken("LabelDetection", "tok")!.JobId);
        Assert.Null(S.Jobs.FindJobByToken("FaceSearch", "other"));
        Assert.Equal(["j1", "j3", "j2"], S.Jobs.ListJobs("IN_PROGRESS").Select(j => j.JobId));

        S.Jobs.SetJobStatus("j1", "FAILED", "bad video", T0.AddMinutes(1));
        var failed = S.Jobs.GetJob("j1")!;
        Assert.Equal(("FAILED", "bad video", (DateTimeOffset?)T0.AddMinutes(1)), (failed.Status, failed.StatusMessage, failed.CompletedAt));
        Assert.Equal(["j1"], S.Jobs.ListJobs("FAILED").Select(j => j.JobId));
    }

    [Fact]
    public void A_job_succeeds_with_its_leads_exactly_once()
    {
        S.Jobs.AddJob(Job("j"));
        int records = AuditLog().Count;
        Assert.True(S.Jobs.SucceedWithLeads("j", Entry("StartFaceSearch"), s_matches, T0.AddMinutes(5)));
        Assert.False(S.Jobs.SucceedWithLeads("j", Entry("StartFaceSearch"), s_matches, T0.AddMinutes(6)));
        Assert.False(S.Jobs.SucceedWithLeads("missing", Entry("StartFaceSearch"), s_matches, T0));

        var job = S.Jobs.GetJob("j")!;
        Assert.Equal(("SUCCEEDED", (string?)null, (DateTimeOffset?)T0.AddMinutes(5)), (job.Status, job.StatusMessage, job.CompletedAt));
        var log = AuditLog();
        Assert.Equal(records + 1, log.Count);
        var leads = S.Leads.ListLeads("2026-001", null, 100);
        Assert.Equal(["f1", "f2", "u1"], leads.Select(l => l.SubjectId).Order());
        Assert.All(leads, l => Assert.Equal((log[^1].Seq, LeadStatus.Pending, "tester"), (l.SearchSeq, l.Status, l.SearchedBy)));
    }

    [Fact]
    public void Racing_job_completions_from_two_store_instances_record_the_leads_once()
    {
        S.Jobs.AddJob(Job("j"));
        var stores = new[] { S, Open() };
        var results = Together(4, t => stores[t % 2].Jobs.SucceedWithLeads("j", Entry("StartFaceSearch"), s_matches, T0));
        Assert.Equal(1, results.Count(r => r is true));
        Assert.Equal(3, results.Count(r => r is false));
        Assert.Equal(3, S.Leads.ListLeads(null, null, 100).Count);
        Assert.Single(AuditLog());
    }

    [Fact]
    public void A_search_records_one_pending_lead_per_match_under_its_audit_record()
    {
        Assert.Equal(1, S.Leads.AppendSearch(Entry("SearchFaces") with { CollectionId = "c" }, s_matches));
        Assert.Equal(2, S.Leads.AppendSearch(Entry("SearchFaces") with { Case = "2026-002" }, [new("face", "f9", 99f)]));
        Assert.Equal(3, S.Leads.AppendSearch(Entry("SearchFaces"), []));

        var leads = S.Leads.ListLeads("2026-001", null, 100);
        Assert.Equal(3, leads.Count);
        var f2 = leads.Single(l => l.SubjectId == "f2");
        Assert.Equal((1L, "2026-001", "investigation", "c", "face", 99.25f, "tester", LeadStatus.Pending), (f2.SearchSeq, f2.Case, f2.Purpose, f2.CollectionId, f2.SubjectType, f2.Similarity, f2.SearchedBy, f2.Status));
        Assert.Equal(leads.Count, leads.Select(l => l.LeadId).Distinct().Count());
        Assert.Equal(4, S.Leads.ListLeads(null, null, 100).Count);
        Assert.Equal(2, S.Leads.ListLeads(null, null, 2).Count);
        Assert.Equal(["f9"], S.Leads.ListLeads("2026-002", LeadStatus.Pending, 10).Select(l => l.SubjectId));
        Assert.Empty(S.Leads.ListLeads(null, LeadStatus.Confirmed, 10));
    }

    [Fact]
    public void A_decision_is_stored_only_while_the_lead_is_in_the_status_it_is_decided_from()
    {
        S.Leads.AppendSearch(Entry("SearchFaces", actor: "searcher"), s_matches);
        var leads = S.Leads.ListLeads(null, null, 10);
        Assert.Equal(leads[0], S.Leads.GetLead(leads[0].LeadId));
        Assert.Null(S.Leads.GetLead(Guid.NewGuid().ToString()));

        var reviewed = S.Leads.SetLeadDecision(Entry("ReviewLead"), leads[0].LeadId, LeadStatus.Pending, LeadStatus.Confirmed, "matches the tattoo", "reviewer")!;
        Assert.Equal((LeadStatus.Confirmed, "reviewer", "matches the tattoo"), (reviewed.Status, reviewed.Reviewer, reviewed.Note));
        Assert.NotNull(reviewed.ReviewedAt);
        Assert.Equal(reviewed, S.Leads.GetLead(leads[0].LeadId));
        Assert.Equal(reviewed, S.Leads.ListLeads(null, LeadStatus.Confirmed, 10).Single());
        // No longer pending: a second decision from pending writes nothing and records nothing.
        int records = AuditLog().Count;
        Assert.Null(S.Leads.SetLeadDecision(Entry("ReviewLead"), leads[0].LeadId, LeadStatus.Pending, LeadStatus.Rejected, "again", "other"));
        Assert.Equal(reviewed, S.Leads.GetLead(leads[0].LeadId));
        Assert.Equal(records, AuditLog().Count);
        Assert.Equal(LeadStatus.Rejected, S.Leads.SetLeadDecision(Entry("ReviewLead"), leads[1].LeadId, LeadStatus.Pending, LeadStatus.Rejected, "own", "searcher")!.Status);
    }

    [Fact]
    public void Two_reviewers_racing_on_one_lead_leave_one_decision()
    {
        S.Leads.AppendSearch(Entry("SearchFaces", actor: "searcher"), [s_matches[0]]);
        string id = S.Leads.ListLeads(null, null, 1).Single().LeadId;
        var stores = new[] { S, Open() };
        var results = Together(4, t => stores[t % 2].Leads.SetLeadDecision(Entry("ReviewLead", $"reviewer{t}"), id, LeadStatus.Pending, LeadStatus.Confirmed, $"note {t}", $"reviewer{t}"));
        var winner = Assert.Single(results.OfType<Lead>());
        Assert.Equal(3, results.Count(r => r is null));
        Assert.Equal(winner.Note, S.Leads.ListLeads(null, null, 1).Single().Note);
        Assert.Single(AuditLog(), r => r.Entry.Operation == "ReviewLead");
    }
}
