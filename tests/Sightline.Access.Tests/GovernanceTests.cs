using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Access.Tests;

/// <summary>
/// The rules the stores no longer keep, on the real store (the composition root's default): who may decide a lead
/// and when, what a legal hold, a retention rule and a policy setting must be.
/// </summary>
public sealed class GovernanceTests : IDisposable
{
    private static readonly AuditEntry s_admin = new("admin1", Roles.Admin, "test");
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-governance-").FullName;
    private readonly TestCore _core;

    public GovernanceTests() => _core = new TestCore(_dir);

    public void Dispose()
    {
        _core.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static SightlineException Fails(ErrorKind kind, Action action)
    {
        var ex = Assert.Throws<SightlineException>(action);
        Assert.Equal(kind, ex.Kind);
        return ex;
    }

    private IReadOnlyList<AuditRecord> Log() => _core.Get<IAuditStore>().ReadAudit(0, 10_000);

    private List<Lead> Search(string searcher, int matches)
    {
        var leads = _core.Get<ILeadStore>();
        leads.AppendSearch(new AuditEntry(searcher, Roles.Analyst, "SearchFaces") { Case = "2026-7", CollectionId = "c" },
            [.. Enumerable.Range(0, matches).Select(i => new LeadMatch("face", $"f{i}", 99f))]);
        return [.. leads.ListLeads("2026-7", LeadStatus.Pending, 100)];
    }

    [Fact]
    public void A_lead_is_decided_once_with_a_note_by_someone_other_than_the_searcher()
    {
        var leads = _core.Get<ILeadStore>();
        var found = Search("searcher", 2);
        var review = new AuditEntry("reviewer", Roles.Reviewer, "ReviewLead");
        Fails(ErrorKind.AccessDenied, () => LeadDesk.Review(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Confirmed, "same person", "searcher"));
        Fails(ErrorKind.ResourceNotFound, () => LeadDesk.Review(leads, Policy.Default, review, Guid.NewGuid().ToString(), LeadStatus.Confirmed, "n", "reviewer"));
        Fails(ErrorKind.InvalidParameter, () => LeadDesk.Review(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Pending, "n", "reviewer"));
        Fails(ErrorKind.InvalidParameter, () => LeadDesk.Review(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Confirmed, "  ", "reviewer"));
        Assert.DoesNotContain(Log(), r => r.Entry.Operation == "ReviewLead"); // refusals are the host's to record

        var decided = LeadDesk.Review(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Confirmed, "  matches the tattoo ", "reviewer");
        Assert.Equal((LeadStatus.Confirmed, "reviewer", "matches the tattoo"), (decided.Status, decided.Reviewer, decided.Note));
        var again = Fails(ErrorKind.Conflict, () => LeadDesk.Review(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Rejected, "again", "other"));
        Assert.Contains("confirmed by reviewer", again.Message, StringComparison.Ordinal);
        var record = Assert.Single(Log(), r => r.Entry.Operation == "ReviewLead");
        Assert.Equal(("reviewer", "c"), (record.Entry.Actor, record.Entry.CollectionId));

        // The policy may allow reviewing one's own searches.
        var own = Policy.Default with { ReviewOwnSearches = true };
        Assert.Equal(LeadStatus.Rejected, LeadDesk.Review(leads, own, review, found[1].LeadId, LeadStatus.Rejected, "own, allowed", "searcher").Status);
    }

    [Fact]
    public void Of_reviewers_racing_on_one_lead_one_decides_and_the_others_get_Conflict()
    {
        string id = Search("searcher", 1).Single().LeadId;
        var results = new object?[4];
        Parallel.For(0, results.Length, t =>
        {
            try
            {
                results[t] = LeadDesk.Review(_core.Get<ILeadStore>(), Policy.Default, new AuditEntry($"r{t}", Roles.Reviewer, "ReviewLead"), id, LeadStatus.Confirmed, $"note {t}", $"r{t}");
            }
            catch (SightlineException ex)
            {
                results[t] = ex;
            }
        });
        var winner = Assert.Single(results.OfType<Lead>());
        Assert.All(results.Where(r => r is not Lead), r => Assert.Equal(ErrorKind.Conflict, Assert.IsType<SightlineException>(r).Kind));
        Assert.Equal(winner.Note, _core.Get<ILeadStore>().GetLead(id)!.Note);
    }

    [Fact]
    public void A_legal_hold_needs_a_printable_case_and_a_reason()
    {
        var store = _core.Get<IRetentionStore>();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123).AddTicks(4567);
        var placed = LegalHolds.Place(store, s_admin, "2026-002", "  court order 17  ", "admin1", now);
        Assert.Equal(new LegalHold("2026-002", "court order 17", "admin1", now.AddTicks(-4567)), placed);
        Assert.Equal([placed], store.ListHolds());
        Fails(ErrorKind.InvalidParameter, () => LegalHolds.Place(store, s_admin, "", "reason", "admin1", now));
        Fails(ErrorKind.InvalidParameter, () => LegalHolds.Place(store, s_admin, "case\n1", "reason", "admin1", now));
        Fails(ErrorKind.InvalidParameter, () => LegalHolds.Place(store, s_admin, new string('c', 129), "reason", "admin1", now));
        Fails(ErrorKind.InvalidParameter, () => LegalHolds.Place(store, s_admin, "2026-003", "  ", "admin1", now));
        LegalHolds.Lift(store, s_admin, "2026-002");
        Fails(ErrorKind.ResourceNotFound, () => LegalHolds.Lift(store, s_admin, "2026-002"));
        Assert.Equal(2, Log().Count(r => r.Entry.Actor == "admin1")); // the hold and its lift; no refusal wrote anything
    }

    [Fact]
    public void Retention_days_and_policy_settings_are_checked_and_stored_in_their_normal_form()
    {
        _core.Get<ICollectionStore>().CreateCollection(s_admin, "c", "arn", "6.0", DateTimeOffset.UtcNow);
        var retention = _core.Get<IRetentionStore>();
        Assert.Equal(new RetentionRule("c", 30, null), RetentionRules.Set(retention, s_admin, "c", 30, null));
        Fails(ErrorKind.InvalidParameter, () => RetentionRules.Set(retention, s_admin, "c", 0, null));
        Fails(ErrorKind.InvalidParameter, () => RetentionRules.Set(retention, s_admin, "c", null, RetentionRule.MaxDays + 1));
        Assert.Equal([new RetentionRule("c", 30, null)], retention.ListRetention());

        var policies = _core.Get<IPolicyStore>();
        Assert.Equal("95.5", PolicySettings.Set(policies, s_admin, "identificationThresholdFloor", "95.50"));
        Assert.Equal("a,b", PolicySettings.Set(policies, s_admin, "purposes", "a, b,a"));
        Assert.Equal("true", PolicySettings.Set(policies, s_admin, "reviewOwnSearches", "True"));
        Fails(ErrorKind.InvalidParameter, () => PolicySettings.Set(policies, s_admin, "requireCase", "maybe"));
        Fails(ErrorKind.InvalidParameter, () => PolicySettings.Set(policies, s_admin, "noSuchKey", "1"));
        var policy = policies.GetPolicy();
        Assert.Equal((true, 95.5f, true), (policy.RequireCase, policy.IdentificationThresholdFloor, policy.ReviewOwnSearches));
        Assert.Equal(["a", "b"], policy.Purposes);
        Assert.Single(Log(), r => r.Entry.Details == "[\"purposes\",\"a,b\"]");
    }
}
