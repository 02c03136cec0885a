using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Access.Tests;

/// <summary>A face search job's leads and its SUCCEEDED status commit together on the real store (the composition root's default).</summary>
public sealed class JobLeadsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-jobleads-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_finished_job_records_its_leads_once_even_when_finished_again_after_a_restart()
    {
        using var first = new TestCore(_dir);
        var store = first.Get<IJobStore>();
        store.AddJob(new StoredJob("job-1", "FaceSearch", "IN_PROGRESS", null, "{}", null, null, "SLTESTKEY", DateTimeOffset.UtcNow, null)
        {
            Case = "2026-001", Purpose = "investigation", Role = "analyst",
        });
        var entry = new AuditEntry("SLTESTKEY", "analyst", "FaceSearchResults") { Case = "2026-001", Purpose = "investigation", Probe = "job:job-1" };
        LeadMatch[] matches = [new("face", "f1", 99.1f), new("face", "f2", 98.4f)];

        Assert.True(store.SucceedWithLeads("job-1", entry, matches, DateTimeOffset.UtcNow));
        // A restarted worker that ran the job again (the crash came after the commit) records nothing more.
        using (var second = new TestCore(_dir))
            Assert.False(second.Get<IJobStore>().SucceedWithLeads("job-1", entry, matches, DateTimeOffset.UtcNow));

        using var reopened = new TestCore(_dir);
        Assert.Equal("SUCCEEDED", reopened.Get<IJobStore>().GetJob("job-1")!.Status);
        Assert.Equal(["f1", "f2"], reopened.Get<ILeadStore>().ListLeads("2026-001", "pending", 10).Select(l => l.SubjectId).Order());
        Assert.Single(reopened.Get<IAuditStore>().ReadAudit(0, 10), a => a.Entry.Operation == "FaceSearchResults");
        Assert.False(reopened.Get<IJobStore>().SucceedWithLeads("no-such-job", entry, matches, DateTimeOffset.UtcNow));
        Assert.Equal(2, reopened.Get<ILeadStore>().ListLeads(null, null, 10).Count);
    }
}
