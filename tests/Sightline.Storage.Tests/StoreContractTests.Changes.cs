namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Every_face_insert_and_delete_is_logged_in_commit_order()
    {
        Assert.Equal(0, await S.Collections.LastFaceChangeAsync(Ct));
        Assert.Empty((await S.Collections.ReadFaceChangesAsync(null, 0, 10, Ct).ToListAsync(Ct)));
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.CreateCollectionAsync(Tester, "d", "arn", "6.0", T0, Ct);
        var c = await S.Collections.AddFacesAsync(Tester, "c", [Face("f1"), Face("f2"), Face("f3")], T0, Ct);
        var d = await S.Collections.AddFacesAsync(Tester, "d", [Face("g1")], T0, Ct);
        await S.Collections.DeleteFacesAsync(Tester, "c", ["f2"], Ct);
        await S.Collections.DeleteFacesAsync(Tester, "c", ["f1"], Ct);
        await S.Collections.DeleteCollectionAsync(Tester, "d", Ct);

        var all = (await S.Collections.ReadFaceChangesAsync(null, 0, 100, Ct).ToListAsync(Ct));
        Assert.Equal(all.Select(x => x.Seq).Distinct().Order(), all.Select(x => x.Seq));
        Assert.Equal(
            [("c", c[0].RowId, true), ("c", c[1].RowId, true), ("c", c[2].RowId, true), ("d", d[0].RowId, true), ("c", c[1].RowId, false), ("c", c[0].RowId, false), ("d", d[0].RowId, false)],
            all.Select(x => (x.CollectionId, x.RowId, x.Added)));
        Assert.Equal(all[^1].Seq, await S.Collections.LastFaceChangeAsync(Ct));
        Assert.Equal(all.Where(x => x.CollectionId == "c").Skip(1).Take(2), (await S.Collections.ReadFaceChangesAsync("c", all[0].Seq, 2, Ct).ToListAsync(Ct)));
        Assert.Empty((await S.Collections.ReadFaceChangesAsync(null, all[^1].Seq, 10, Ct).ToListAsync(Ct)));
    }

    [Fact]
    public async Task Writers_on_two_store_instances_log_every_face_once()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        var stores = new[] { S, Open() };
        await TogetherAsync(4, async t =>
        {
            for (int i = 0; i < 10; i++)
            {
                var added = await stores[t % 2].Collections.AddFacesAsync(Tester, "c", [Face($"t{t}-{i}")], T0, Ct);
                if (i % 2 == 0)
                    await stores[(t + 1) % 2].Collections.DeleteFacesAsync(Tester, "c", [added[0].FaceId], Ct);
            }
            return null;
        });
        var log = (await S.Collections.ReadFaceChangesAsync("c", 0, 1000, Ct).ToListAsync(Ct));
        Assert.Equal(60, log.Count);
        Assert.Equal(40, log.Count(x => x.Added));
        // A follower replaying the log in order ends with exactly the faces the collection holds.
        var live = new SortedSet<long>();
        foreach (var change in log)
            Assert.True(change.Added ? live.Add(change.RowId) : live.Remove(change.RowId), $"change {change.Seq} does not follow from the ones before it");
        Assert.Equal(await S.Collections.ReadRowIdsAsync("c", FaceShard.All, Ct), live);
    }
}
