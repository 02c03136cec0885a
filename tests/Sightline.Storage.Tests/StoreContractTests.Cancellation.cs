namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>Every read, given the token it is to honour (after <see cref="SeedAuditedAsync"/>).</summary>
    private static readonly Dictionary<string, Func<Stores, CancellationToken, Task>> s_reads = new()
    {
        ["GetCollection"] = (s, c) => s.Collections.GetCollectionAsync("c1", true, c),
        ["ListCollections"] = (s, c) => s.Collections.ListCollectionsAsync(null, 10, c),
        ["ListFaces"] = (s, c) => s.Collections.ListFacesAsync("c1", 0, 10, FaceFilter.All, c),
        ["GetFace"] = (s, c) => s.Collections.GetFaceAsync("c1", "f1", c),
        ["GetFacesByRowIds"] = (s, c) => s.Collections.GetFacesByRowIdsAsync([1, 2], c),
        ["GetEmbedding"] = (s, c) => s.Collections.GetEmbeddingAsync(1, c),
        ["GetEmbeddings"] = (s, c) => s.Collections.GetEmbeddingsAsync([1, 2], c),
        ["GetTags"] = (s, c) => s.Collections.GetTagsAsync("c1", c),
        ["GetUserFaceCount"] = (s, c) => s.Collections.GetUserFaceCountAsync("c1", "u1", c),
        ["ListUsers"] = (s, c) => s.Collections.ListUsersAsync("c1", null, 10, c),
        ["UserFaces"] = (s, c) => s.Collections.UserFacesAsync("c1", "u1", true, c),
        ["ReadRowIds"] = (s, c) => s.Collections.ReadRowIdsAsync("c1", FaceShard.All, c),
        ["ReadFaceChanges"] = (s, c) => s.Collections.ReadFaceChangesAsync(null, 0, 10, c).ToListAsync(c).AsTask(),
        ["LastFaceChange"] = (s, c) => s.Collections.LastFaceChangeAsync(c),
        ["ReadEmbeddings"] = (s, c) => s.Collections.ReadEmbeddingsAsync("c1", FaceShard.All, c).ToListAsync(c).AsTask(),
        ["GetKey"] = (s, c) => s.Keys.GetKeyAsync("K1", c),
        ["ListKeys"] = (s, c) => s.Keys.ListKeysAsync(c),
        ["GetJob"] = (s, c) => s.Jobs.GetJobAsync("j1", c),
        ["FindJobByToken"] = (s, c) => s.Jobs.FindJobByTokenAsync("FaceSearch", "t", c),
        ["ListJobs"] = (s, c) => s.Jobs.ListJobsAsync("IN_PROGRESS", c),
        ["ReadAudit"] = (s, c) => s.Audit.ReadAuditAsync(0, 10, c),
        ["ReadAuditBetween"] = (s, c) => s.Audit.ReadAuditBetweenAsync(T0.AddYears(-1), DateTimeOffset.UtcNow.AddDays(1), c).ToListAsync(c).AsTask(),
        ["VerifyAudit"] = (s, c) => s.Audit.VerifyAuditAsync(c),
        ["GetPolicy"] = (s, c) => s.Policy.GetPolicyAsync(c),
        ["ListLeads"] = (s, c) => s.Leads.ListLeadsAsync(null, null, 10, c).ToListAsync(c).AsTask(),
        ["GetLead"] = (s, c) => s.Leads.GetLeadAsync(Guid.NewGuid().ToString(), c),
        ["ListRetention"] = (s, c) => s.Retention.ListRetentionAsync(c),
        ["ListHolds"] = (s, c) => s.Retention.ListHoldsAsync(c),
        ["HeldFaces"] = (s, c) => s.Retention.HeldFacesAsync("c1", null, c),
        ["GetDetector"] = (s, c) => s.Detectors.GetDetectorAsync("d1", c),
        ["ListDetectors"] = (s, c) => s.Detectors.ListDetectorsAsync(c),
        ["ListAlertRules"] = (s, c) => s.Alerts.ListAlertRulesAsync(c),
        ["GetAlertRule"] = (s, c) => s.Alerts.GetAlertRuleAsync("r1", c),
        ["ListAlerts"] = (s, c) => s.Alerts.ListAlertsAsync(null, 10, c),
        ["ListHotlistEntries"] = (s, c) => s.Hotlists.ListHotlistEntriesAsync(null, null, c),
        ["GetCamera"] = (s, c) => s.Cameras.GetCameraAsync("cam1", c),
        ["ListCameras"] = (s, c) => s.Cameras.ListCamerasAsync(c),
        ["ListCameraStatus"] = (s, c) => s.Cameras.ListCameraStatusAsync(c),
        ["GetEvent"] = (s, c) => s.Events.GetEventAsync("e1", c),
        ["ListEvents"] = (s, c) => s.Events.ListEventsAsync(new EventQuery(), c),
        ["GetAuthorization"] = (s, c) => s.Authorizations.GetAuthorizationAsync("auth-1", c),
        ["ListAuthorizations"] = (s, c) => s.Authorizations.ListAuthorizationsAsync(c),
    };

    public static TheoryData<string> Writes => [.. s_audited.Keys, .. s_unaudited.Keys];

    public static TheoryData<string> Reads => [.. s_reads.Keys];

    private static CancellationToken Cancelled()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        return source.Token;
    }

    /// <summary>What a write could change: every record and row the seeded store holds, as text.</summary>
    private async Task<string> SnapshotAsync()
    {
        var parts = new List<object>
        {
            (await AuditLogAsync()).Count,
            string.Join(',', (await S.Collections.ListCollectionsAsync(null, 100, Ct)).Select(c => $"{c.Id}:{c.FaceCount}:{c.UserCount}")),
            string.Join(',', (await S.Collections.ListFacesAsync("c1", 0, 100, FaceFilter.All, Ct)).Select(f => $"{f.FaceId}:{f.UserId}")),
            string.Join(',', (await S.Collections.ListUsersAsync("c1", null, 100, Ct)).Select(u => u.UserId)),
            string.Join(',', (await S.Collections.GetTagsAsync("c1", Ct)).Select(t => t.Key)),
            string.Join(',', (await S.Keys.ListKeysAsync(Ct)).Select(k => $"{k.AccessKeyId}:{k.RevokedAt}")),
            (await S.Policy.GetPolicyAsync(Ct)).ToJson(),
            string.Join(',', await S.Leads.ListLeadsAsync(null, null, 100, Ct).Select(l => $"{l.SubjectId}:{l.Status}").ToListAsync(Ct)),
            string.Join(',', (await S.Retention.ListRetentionAsync(Ct)).Select(r => r.CollectionId)),
            string.Join(',', (await S.Retention.ListHoldsAsync(Ct)).Select(h => h.Case)),
            string.Join(',', (await S.Detectors.ListDetectorsAsync(Ct)).Select(d => d.Id)),
            string.Join(',', (await S.Alerts.ListAlertRulesAsync(Ct)).Select(r => r.Id)),
            string.Join(',', (await S.Alerts.ListAlertsAsync(null, 100, Ct)).Select(a => $"{a.Id}:{a.Status}")),
            string.Join(',', (await S.Hotlists.ListHotlistEntriesAsync(null, null, Ct)).Select(h => h.Plate)),
            string.Join(',', (await S.Jobs.ListJobsAsync("IN_PROGRESS", Ct)).Select(j => j.JobId)),
            string.Join(',', (await S.Cameras.ListCamerasAsync(Ct)).Select(c => $"{c.Name}:{c.UpdatedAt.ToUnixTimeMilliseconds()}")),
            string.Join(',', (await S.Cameras.ListCameraStatusAsync(Ct)).Select(c => $"{c.Camera}:{c.State}")),
            string.Join(',', (await S.Events.ListEventsAsync(new EventQuery(), Ct)).Select(e => $"{e.Id}:{e.EndTime?.ToUnixTimeMilliseconds()}")),
            string.Join(',', (await S.Authorizations.ListAuthorizationsAsync(Ct)).Select(a => $"{a.Id}:{a.RevokedAt?.ToUnixTimeMilliseconds()}")),
        };
        return string.Join('|', parts);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_write_given_a_cancelled_token_throws_and_changes_nothing(string write)
    {
        await SeedAuditedAsync();
        string before = await SnapshotAsync();
        var cancelled = Cancelled();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s_audited.TryGetValue(write, out var audited)
            ? audited(S, Entry(write), cancelled)
            : s_unaudited[write](S, cancelled));
        Assert.Equal(before, await SnapshotAsync());
        Assert.True((await S.Audit.VerifyAuditAsync(Ct)).Intact);
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task A_read_given_a_cancelled_token_throws(string read)
    {
        await SeedAuditedAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s_reads[read](S, Cancelled()));
        await s_reads[read](S, Ct); // and the same read with a live token works
    }

    [Fact]
    public async Task A_write_cancelled_while_it_runs_commits_all_of_it_or_none()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        int cancelled = 0;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var faces = Enumerable.Range(0, 300).Select(i => Face($"a{attempt}-{i}", i)).ToList();
            long facesBefore = (await S.Collections.GetCollectionAsync("c", true, Ct))!.FaceCount;
            int recordsBefore = (await AuditLogAsync()).Count;
            using var source = new CancellationTokenSource();
            source.CancelAfter(TimeSpan.FromMilliseconds(attempt * attempt));
            bool done;
            try
            {
                await S.Collections.AddFacesAsync(Entry("IndexFaces"), "c", faces, T0, source.Token);
                done = true;
            }
            catch (OperationCanceledException)
            {
                done = false;
            }
            long facesAfter = (await S.Collections.GetCollectionAsync("c", true, Ct))!.FaceCount;
            int recordsAfter = (await AuditLogAsync()).Count;
            // Whichever way it ended, the faces and their record are all there or none of them is.
            Assert.Equal(done ? (facesBefore + faces.Count, recordsBefore + 1) : (facesBefore, recordsBefore), (facesAfter, recordsAfter));
            cancelled += done ? 0 : 1;
        }
        Assert.True(cancelled > 0, "no attempt was cancelled");
        Assert.True((await S.Audit.VerifyAuditAsync(Ct)).Intact);
        // The change log holds exactly the faces that were committed.
        var log = await S.Collections.ReadFaceChangesAsync("c", 0, 100_000, Ct).ToListAsync(Ct);
        Assert.Equal(await S.Collections.ReadRowIdsAsync("c", FaceShard.All, Ct), log.Where(x => x.Added).Select(x => x.RowId).Order());
    }

    [Fact]
    public async Task A_streamed_read_stops_at_the_next_row_once_its_token_is_cancelled()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [.. Enumerable.Range(0, 50).Select(i => Face($"f{i}", i))], T0, Ct);
        using var source = new CancellationTokenSource();
        int read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in S.Collections.ReadEmbeddingsAsync("c", FaceShard.All, source.Token))
            {
                if (++read == 3)
                    await source.CancelAsync();
            }
        });
        Assert.Equal(3, read);

        // A token given to the enumeration (WithCancellation) is honoured as well as the call's.
        using var late = new CancellationTokenSource();
        read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in S.Audit.ReadAuditBetweenAsync(T0.AddYears(-1), DateTimeOffset.UtcNow.AddDays(1), Ct).WithCancellation(late.Token))
            {
                read++;
                await late.CancelAsync();
            }
        });
        Assert.Equal(1, read);
    }
}
