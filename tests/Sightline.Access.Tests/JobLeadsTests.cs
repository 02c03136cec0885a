using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Access.Tests;

/// <summary>A face search job's leads and its SUCCEEDED status commit together on the real store (the composition root's default).</summary>
public sealed class JobLeadsTests : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;

    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-jobleads-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_finished_job_records_its_leads_once_even_when_finished_again_after_a_restart()
    {
        using var first = new TestCore(_dir);
        var store = first.Get<IJobStore>();
        await store.AddJobAsync(new StoredJob("job-1", "FaceSearch", "IN_PROGRESS", null, "{}", null, null, "SLTESTKEY", DateTimeOffset.UtcNow, null)
        {
            Case = "2026-001", Purpose = "investigation", Role = "analyst",
        }, Ct);
        var entry = new AuditEntry("SLTESTKEY", "analyst", "FaceSearchResults") { Case = "2026-001", Purpose = "investigation", Probe = "job:job-1" };
        LeadMatch[] matches = [new("face", "f1", 99.1f), new("face", "f2", 98.4f)];

        Assert.True(await store.SucceedWithLeadsAsync("job-1", entry, matches, DateTimeOffset.UtcNow, Ct));
        // A restarted worker that ran the job again (the crash came after the commit) records nothing more.
        using (var second = new TestCore(_dir))
            Assert.False(await second.Get<IJobStore>().SucceedWithLeadsAsync("job-1", entry, matches, DateTimeOffset.UtcNow, Ct));

        using var reopened = new TestCore(_dir);
        Assert.Equal("SUCCEEDED", (await reopened.Get<IJobStore>().GetJobAsync("job-1", Ct))!.Status);
        Assert.Equal(["f1", "f2"], (await reopened.Get<ILeadStore>().ListLeadsAsync("2026-001", "pending", 10, Ct).ToListAsync(Ct)).Select(l => l.SubjectId).Order());
        Assert.Single(await reopened.Get<IAuditStore>().ReadAuditAsync(0, 10, Ct), a => a.Entry.Operation == "FaceSearchResults");
        Assert.False(await reopened.Get<IJobStore>().SucceedWithLeadsAsync("no-such-job", entry, matches, DateTimeOffset.UtcNow, Ct));
        Assert.Equal(2, (await reopened.Get<ILeadStore>().ListLeadsAsync(null, null, 10, Ct).ToListAsync(Ct)).Count);
    }
}
