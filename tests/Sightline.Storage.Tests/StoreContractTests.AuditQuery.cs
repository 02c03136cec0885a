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

    [Fact]
    public async Task The_audit_log_is_queried_by_time_from_inclusive_to_exclusive_with_the_other_filters()
    {
        var seqs = new List<long>();
        foreach (string op in new[] { "SignIn", "SearchFacesByImage", "ReviewLead", "SignOut" })
        {
            seqs.Add(await S.Audit.AppendAuditAsync(new AuditEntry("alice", "analyst", op), Ct));
            await Task.Delay(25, Ct); // a distinct millisecond for each record
        }
        var all = await Open().Audit.QueryAuditAsync(new AuditQuery(), Ct);
        var at = all.ToDictionary(r => r.Seq, r => r.At);
        Assert.Equal(seqs.Count, at.Count);
        // [second, fourth): the second and third, newest first.
        var between = await S.Audit.QueryAuditAsync(new AuditQuery(From: at[seqs[1]], To: at[seqs[3]]), Ct);
        Assert.Equal([seqs[2], seqs[1]], between.Select(r => r.Seq));
        Assert.Equal([seqs[3], seqs[2]], (await S.Audit.QueryAuditAsync(new AuditQuery(From: at[seqs[2]]), Ct)).Select(r => r.Seq));
        Assert.Equal([seqs[0]], (await S.Audit.QueryAuditAsync(new AuditQuery(To: at[seqs[1]]), Ct)).Select(r => r.Seq));
        Assert.Equal([seqs[2]], (await S.Audit.QueryAuditAsync(new AuditQuery(Operation: "ReviewLead", From: at[seqs[0]], To: at[seqs[3]].AddSeconds(1)), Ct)).Select(r => r.Seq));
        Assert.Equal([seqs[1]], (await S.Audit.QueryAuditAsync(new AuditQuery(BeforeSeq: seqs[2], From: at[seqs[1]], Limit: 5), Ct)).Select(r => r.Seq));
        Assert.Empty(await S.Audit.QueryAuditAsync(new AuditQuery(From: at[seqs[3]].AddDays(1)), Ct));
    }
}
