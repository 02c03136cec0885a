namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public void Every_face_insert_and_delete_is_logged_in_commit_order()
    {
        Assert.Equal(0, S.Collections.LastFaceChange());
        Assert.Empty(S.Collections.ReadFaceChanges(null, 0, 10));
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.CreateCollection(Tester, "d", "arn", "6.0", T0);
        var c = S.Collections.AddFaces(Tester, "c", [Face("f1"), Face("f2"), Face("f3")], T0);
        var d = S.Collections.AddFaces(Tester, "d", [Face("g1")], T0);
        S.Collections.DeleteFaces(Tester, "c", ["f2"]);
        S.Collections.DeleteFaces(Tester, "c", ["f1"]);
        S.Collections.DeleteCollection(Tester, "d");

        var all = S.Collections.ReadFaceChanges(null, 0, 100);
        Assert.Equal(all.Select(x => x.Seq).Distinct().Order(), all.Select(x => x.Seq));
        Assert.Equal(
            [("c", c[0].RowId, true), ("c", c[1].RowId, true), ("c", c[2].RowId, true), ("d", d[0].RowId, true), ("c", c[1].RowId, false), ("c", c[0].RowId, false), ("d", d[0].RowId, false)],
            all.Select(x => (x.CollectionId, x.RowId, x.Added)));
        Assert.Equal(all[^1].Seq, S.Collections.LastFaceChange());
        Assert.Equal(all.Where(x => x.CollectionId == "c").Skip(1).Take(2), S.Collections.ReadFaceChanges("c", all[0].Seq, 2));
        Assert.Empty(S.Collections.ReadFaceChanges(null, all[^1].Seq, 10));
    }

    [Fact]
    public void Writers_on_two_store_instances_log_every_face_once()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        var stores = new[] { S, Open() };
        Together(4, t =>
        {
            for (int i = 0; i < 10; i++)
            {
                var added = stores[t % 2].Collections.AddFaces(Tester, "c", [Face($"t{t}-{i}")], T0);
                if (i % 2 == 0)
                    stores[(t + 1) % 2].Collections.DeleteFaces(Tester, "c", [added[0].FaceId]);
            }
            return null;
        });
        var log = S.Collections.ReadFaceChanges("c", 0, 1000);
        Assert.Equal(60, log.Count);
        Assert.Equal(40, log.Count(x => x.Added));
        // A follower replaying the log in order ends with exactly the faces the collection holds.
        var live = new SortedSet<long>();
        foreach (var change in log)
            Assert.True(change.Added ? live.Add(change.RowId) : live.Remove(change.RowId), $"change {change.Seq} does not follow from the ones before it");
        Assert.Equal(S.Collections.ReadRowIds("c"), live);
    }
}
