using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Access.Tests;

/// <summary>
/// The rules the stores no longer keep, on the real store (the composition root's default): who may decide a lead
/// and when, what a legal hold, a retention rule and a policy setting must be.
/// </summary>
public sealed class GovernanceTests : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;

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

    private static async Task<SightlineException> FailsAsync(ErrorKind kind, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<SightlineException>(action);
        Assert.Equal(kind, ex.Kind);
        return ex;
    }

    private Task<IReadOnlyList<AuditRecord>> LogAsync() => _core.Get<IAuditStore>().ReadAuditAsync(0, 10_000, Ct);

    private async Task<List<Lead>> SearchAsync(string searcher, int matches)
    {
        var leads = _core.Get<ILeadStore>();
        await leads.AppendSearchAsync(new AuditEntry(searcher, Roles.Analyst, "SearchFaces") { Case = "2026-7", CollectionId = "c" },
            [.. Enumerable.Range(0, matches).Select(i => new LeadMatch("face", $"f{i}", 99f))], null, Ct);
        return [.. (await leads.ListLeadsAsync("2026-7", LeadStatus.Pending, 100, Ct).ToListAsync(Ct))];
    }

    [Fact]
    public async Task A_lead_is_decided_once_with_a_note_by_someone_other_than_the_searcher()
    {
        var leads = _core.Get<ILeadStore>();
        var found = await SearchAsync("searcher", 2);
        var review = new AuditEntry("reviewer", Roles.Reviewer, "ReviewLead");
        await FailsAsync(ErrorKind.AccessDenied, async () => await LeadDesk.ReviewAsync(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Confirmed, "same person", "searcher", Ct));
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await LeadDesk.ReviewAsync(leads, Policy.Default, review, Guid.NewGuid().ToString(), LeadStatus.Confirmed, "n", "reviewer", Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await LeadDesk.ReviewAsync(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Pending, "n", "reviewer", Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await LeadDesk.ReviewAsync(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Confirmed, "  ", "reviewer", Ct));
        Assert.DoesNotContain((await LogAsync()), r => r.Entry.Operation == "ReviewLead"); // refusals are the host's to record

        var decided = await LeadDesk.ReviewAsync(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Confirmed, "  matches the tattoo ", "reviewer", Ct);
        Assert.Equal((LeadStatus.Confirmed, "reviewer", "matches the tattoo"), (decided.Status, decided.Reviewer, decided.Note));
        var again = await FailsAsync(ErrorKind.Conflict, async () => await LeadDesk.ReviewAsync(leads, Policy.Default, review, found[0].LeadId, LeadStatus.Rejected, "again", "other", Ct));
        Assert.Contains("confirmed by reviewer", again.Message, StringComparison.Ordinal);
        var record = Assert.Single((await LogAsync()), r => r.Entry.Operation == "ReviewLead");
        Assert.Equal(("reviewer", "c"), (record.Entry.Actor, record.Entry.CollectionId));

        // The policy may allow reviewing one's own searches.
        var own = Policy.Default with { ReviewOwnSearches = true };
        Assert.Equal(LeadStatus.Rejected, (await LeadDesk.ReviewAsync(leads, own, review, found[1].LeadId, LeadStatus.Rejected, "own, allowed", "searcher", Ct)).Status);
    }

    [Fact]
    public async Task Of_reviewers_racing_on_one_lead_one_decides_and_the_others_get_Conflict()
    {
        string id = (await SearchAsync("searcher", 1)).Single().LeadId;
        var results = new object?[4];
        await Parallel.ForAsync(0, results.Length, async (t, _) =>
        {
            try
            {
                results[t] = await LeadDesk.ReviewAsync(_core.Get<ILeadStore>(), Policy.Default, new AuditEntry($"r{t}", Roles.Reviewer, "ReviewLead"), id, LeadStatus.Confirmed, $"note {t}", $"r{t}", Ct);
            }
            catch (SightlineException ex)
            {
                results[t] = ex;
            }
        });
        var winner = Assert.Single(results.OfType<Lead>());
        Assert.All(results.Where(r => r is not Lead), r => Assert.Equal(ErrorKind.Conflict, Assert.IsType<SightlineException>(r).Kind));
        Assert.Equal(winner.Note, (await _core.Get<ILeadStore>().GetLeadAsync(id, Ct))!.Note);
    }

    [Fact]
    public async Task A_legal_hold_needs_a_printable_case_and_a_reason()
    {
        var store = _core.Get<IRetentionStore>();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123).AddTicks(4567);
        var placed = await LegalHolds.PlaceAsync(store, s_admin, "2026-002", "  court order 17  ", "admin1", now, Ct);
        Assert.Equal(new LegalHold("2026-002", "court order 17", "admin1", now.AddTicks(-4567)), placed);
        Assert.Equal([placed], await store.ListHoldsAsync(Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await LegalHolds.PlaceAsync(store, s_admin, "", "reason", "admin1", now, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await LegalHolds.PlaceAsync(store, s_admin, "case\n1", "reason", "admin1", now, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await LegalHolds.PlaceAsync(store, s_admin, new string('c', 129), "reason", "admin1", now, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await LegalHolds.PlaceAsync(store, s_admin, "2026-003", "  ", "admin1", now, Ct));
        await LegalHolds.LiftAsync(store, s_admin, "2026-002", Ct);
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await LegalHolds.LiftAsync(store, s_admin, "2026-002", Ct));
        Assert.Equal(2, (await LogAsync()).Count(r => r.Entry.Actor == "admin1")); // the hold and its lift; no refusal wrote anything
    }

    [Fact]
    public async Task Retention_days_and_policy_settings_are_checked_and_stored_in_their_normal_form()
    {
        await _core.Get<ICollectionStore>().CreateCollectionAsync(s_admin, "c", "arn", "6.0", DateTimeOffset.UtcNow, Ct);
        var retention = _core.Get<IRetentionStore>();
        Assert.Equal(new RetentionRule("c", 30, null), await RetentionRules.SetAsync(retention, s_admin, "c", 30, null, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await RetentionRules.SetAsync(retention, s_admin, "c", 0, null, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await RetentionRules.SetAsync(retention, s_admin, "c", null, RetentionRule.MaxDays + 1, Ct));
        Assert.Equal([new RetentionRule("c", 30, null)], await retention.ListRetentionAsync(Ct));

        var policies = _core.Get<IPolicyStore>();
        Assert.Equal("95.5", await PolicySettings.SetAsync(policies, s_admin, "identificationThresholdFloor", "95.50", Ct));
        Assert.Equal("a,b", await PolicySettings.SetAsync(policies, s_admin, "purposes", "a, b,a", Ct));
        Assert.Equal("true", await PolicySettings.SetAsync(policies, s_admin, "reviewOwnSearches", "True", Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await PolicySettings.SetAsync(policies, s_admin, "requireCase", "maybe", Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await PolicySettings.SetAsync(policies, s_admin, "noSuchKey", "1", Ct));
        var policy = await policies.GetPolicyAsync(Ct);
        Assert.Equal((true, 95.5f, true), (policy.RequireCase, policy.IdentificationThresholdFloor, policy.ReviewOwnSearches));
        Assert.Equal(["a", "b"], policy.Purposes);
        Assert.Single((await LogAsync()), r => r.Entry.Details == "[\"purposes\",\"a,b\"]");
    }
}
