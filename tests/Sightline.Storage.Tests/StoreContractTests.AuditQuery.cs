namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task The_audit_log_is_queried_newest_first_by_actor_case_and_operation_and_paged_by_sequence()
    {
        await S.Audit.AppendAuditAsync(new AuditEntry("alice", "analyst", "SearchFacesByImage") { Case = "2026-001" }, Ct);
        await S.Audit.AppendAuditAsync(new AuditEntry("bob", "reviewer", "ReviewLead") { Case = "2026-001" }, Ct);
        await S.Audit.AppendAuditAsync(new AuditEntry("alice", "analyst", "SearchFacesByImage") { Case = "2026-002" }, Ct);
        await S.Audit.AppendAuditAsync(new AuditEntry("alice", "analyst", "SignIn"), Ct);
        var all = await Open().Audit.QueryAuditAsync(new AuditQuery(), Ct);
        Assert.Equal(["SignIn", "SearchFacesByImage", "ReviewLead", "SearchFacesByImage"], all.Select(r => r.Entry.Operation));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Seq > p.Second.Seq));
        Assert.Equal(["2026-002", "2026-001"], (await S.Audit.QueryAuditAsync(new AuditQuery(Actor: "alice", Operation: "SearchFacesByImage"), Ct)).Select(r => r.Entry.Case));
        Assert.Equal(["bob", "alice"], (await S.Audit.QueryAuditAsync(new AuditQuery(Case: "2026-001"), Ct)).Select(r => r.Entry.Actor));
        Assert.Empty(await S.Audit.QueryAuditAsync(new AuditQuery(Actor: "ALICE"), Ct));
        // Paging: the next page starts below the last sequence number shown.
        var first = await S.Audit.QueryAuditAsync(new AuditQuery(Limit: 2), Ct);
        var next = await S.Audit.QueryAuditAsync(new AuditQuery(BeforeSeq: first[^1].Seq, Limit: 2), Ct);
        Assert.Equal(all.Select(r => r.Seq), first.Concat(next).Select(r => r.Seq));
    }
}
