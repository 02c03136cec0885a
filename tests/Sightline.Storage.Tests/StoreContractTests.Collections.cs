namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public void Collections_are_created_read_listed_in_id_order_and_deleted()
    {
        foreach (string id in new[] { "b", "a", "c", "B", "a-1" })
            Assert.Equal(id, S.Collections.CreateCollection(Tester, id, "arn:" + id, "6.0", T0).Id);
        var a = S.Collections.GetCollection("a");
        Assert.Equal(new CollectionRecord("a", "arn:a", "6.0", T0, 0, 0), a);
        Assert.Null(S.Collections.GetCollection("missing"));

        // Ordinal order (upper case first), paged with the last id seen.
        Assert.Equal(["B", "a", "a-1", "b", "c"], S.Collections.ListCollections(null, 10).Select(c => c.Id));
        Assert.Equal(["a-1", "b"], S.Collections.ListCollections("a", 2).Select(c => c.Id));
        Assert.Empty(S.Collections.ListCollections("c", 10));

        Assert.Equal(new CollectionDeletion(true, 0), S.Collections.DeleteCollection(Tester, "b"));
        Assert.Equal(new CollectionDeletion(false, 0), S.Collections.DeleteCollection(Tester, "b"));
        Assert.Null(S.Collections.GetCollection("b"));
        Assert.Equal(["B", "a", "a-1", "c"], S.Collections.ListCollections(null, 10).Select(c => c.Id));
    }

    [Fact]
    public void A_duplicate_collection_is_ResourceAlreadyExists_and_changes_nothing()
    {
        S.Collections.CreateCollection(Tester, "dup", "arn:1", "6.0", T0);
        Fails(ErrorKind.ResourceAlreadyExists, () => S.Collections.CreateCollection(Tester, "dup", "arn:2", "7.0", T0.AddDays(1)));
        Assert.Equal("arn:1", S.Collections.GetCollection("dup")!.Arn);
    }

    [Fact]
    public void Counts_are_given_only_when_asked()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.AddFaces(Tester, "c", [Face("f1"), Face("f2"), Face("f3")], T0);
        S.Collections.CreateUser(Tester, "c", "u1", T0);
        Assert.Equal((3, 1), (S.Collections.GetCollection("c")!.FaceCount, S.Collections.GetCollection("c")!.UserCount));
        Assert.Equal((0, 0), (S.Collections.GetCollection("c", withCounts: false)!.FaceCount, S.Collections.GetCollection("c", withCounts: false)!.UserCount));
        Assert.Equal(3, S.Collections.ListCollections(null, 1).Single().FaceCount);
    }

    [Fact]
    public void Faces_get_increasing_row_ids_and_page_by_them_with_filters()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.CreateCollection(Tester, "other", "arn", "6.0", T0);
        var added = S.Collections.AddFaces(Tester, "c", [.. Enumerable.Range(1, 7).Select(i => Face($"f{i}", i))], T0);
        S.Collections.AddFaces(Tester, "other", [Face("o1")], T0);
        Assert.Equal(added.Select(f => f.RowId).Order(), added.Select(f => f.RowId));
        Assert.Equal(7, added.Select(f => f.RowId).Distinct().Count());
        Assert.Equal(["f1", "f2", "f3", "f4", "f5", "f6", "f7"], added.Select(f => f.FaceId));

        var page1 = S.Collections.ListFaces("c", 0, 3);
        var page2 = S.Collections.ListFaces("c", page1[^1].RowId, 3);
        var page3 = S.Collections.ListFaces("c", page2[^1].RowId, 3);
        Assert.Equal(added.Select(f => f.FaceId), page1.Concat(page2).Concat(page3).Select(f => f.FaceId));
        Assert.Single(page3);
        Assert.All(page1, f => Assert.Null(f.Embedding));

        var filtered = S.Collections.ListFaces("c", 0, 10, ["f6", "f2", "o1", "nope"], withEmbeddings: true);
        Assert.Equal(["f2", "f6"], filtered.Select(f => f.FaceId));
        SameBits(Embedding(2), filtered[0].Embedding);
        Assert.Equal(["f7"], S.Collections.ListFaces("c", added[5].RowId, 10, ["f2", "f7"]).Select(f => f.FaceId));

        S.Collections.CreateUser(Tester, "c", "u", T0);
        S.Collections.SetFaceUser(Tester, "c", ["f3", "f5"], "u");
        Assert.Equal(["f3", "f5"], S.Collections.ListFaces("c", 0, 10, userId: "u").Select(f => f.FaceId));
        Assert.Equal(added.Select(f => f.RowId), S.Collections.ReadRowIds("c"));
    }

    [Fact]
    public void A_face_reads_back_field_for_field_with_its_embedding_bit_exact()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        var stored = S.Collections.AddFaces(Tester, "c", [Face("f1", 3), Face("f2", 4, external: null)], T0).ToList();
        var f1 = S.Collections.GetFace("c", "f1")!;
        Assert.Equal(stored[0] with { Embedding = null }, f1 with { Embedding = null });
        Assert.Equal(T0, f1.CreatedAt);
        SameBits(Embedding(3), f1.Embedding);
        Assert.Null(S.Collections.GetFace("c", "f2")!.ExternalImageId);
        Assert.Null(S.Collections.GetFace("other", "f1"));

        SameBits(Embedding(4), S.Collections.GetEmbedding(stored[1].RowId));
        Assert.Null(S.Collections.GetEmbedding(stored[1].RowId + 1000));
        var many = S.Collections.GetEmbeddings([stored[0].RowId, stored[1].RowId, 999_999]);
        Assert.Equal(2, many.Count);
        SameBits(Embedding(3), many[stored[0].RowId]);
        Assert.Equal(["f1", "f2"], S.Collections.GetFacesByRowIds([stored[1].RowId, 999_999, stored[0].RowId]).Select(f => f.FaceId).Order());
        Assert.Empty(S.Collections.GetFacesByRowIds([]));
        var streamed = S.Collections.ReadEmbeddings("c").ToList();
        Assert.Equal(stored.Select(f => f.RowId), streamed.Select(e => e.RowId));
        SameBits(Embedding(4), streamed[1].Embedding);
    }

    [Fact]
    public void Faces_for_a_missing_collection_are_ResourceNotFound_and_none_are_kept()
    {
        Fails(ErrorKind.ResourceNotFound, () => S.Collections.AddFaces(Tester, "missing", [Face("f1")], T0));
        S.Collections.CreateCollection(Tester, "missing", "arn", "6.0", T0);
        Assert.Empty(S.Collections.ListFaces("missing", 0, 10));
    }

    [Fact]
    public void Deleting_faces_returns_those_that_existed_and_touches_no_other_collection()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.CreateCollection(Tester, "d", "arn", "6.0", T0);
        S.Collections.AddFaces(Tester, "c", [Face("f1"), Face("f2"), Face("f3")], T0);
        S.Collections.AddFaces(Tester, "d", [Face("g1")], T0);
        var deleted = S.Collections.DeleteFaces(Tester, "c", ["f3", "f1", "f1", "g1", "nope"]);
        Assert.Equal(["f3", "f1"], deleted.Deleted.Select(f => f.FaceId));
        Assert.Empty(deleted.Held);
        Assert.Equal(["f2"], S.Collections.ListFaces("c", 0, 10).Select(f => f.FaceId));
        Assert.NotNull(S.Collections.GetFace("d", "g1"));
        Assert.Empty(S.Collections.DeleteFaces(Tester, "c", ["f1"]).Deleted);
    }

    [Fact]
    public void Deleting_a_collection_takes_its_faces_users_tags_and_rule_and_its_id_can_be_reused()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        var faces = S.Collections.AddFaces(Tester, "c", [Face("f1"), Face("f2")], T0);
        S.Collections.CreateUser(Tester, "c", "u", T0);
        S.Collections.UpdateTags(Tester, "c", new Dictionary<string, string> { ["k"] = "v" }, []);
        S.Retention.SetRetention(Tester, new RetentionRule("c", 30, null));
        Assert.True(S.Collections.DeleteCollection(Tester, "c").Deleted);
        Assert.Empty(S.Collections.GetFacesByRowIds([.. faces.Select(f => f.RowId)]));
        Assert.Empty(S.Retention.ListRetention());

        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        Assert.Equal((0, 0), (S.Collections.GetCollection("c")!.FaceCount, S.Collections.GetCollection("c")!.UserCount));
        Assert.Empty(S.Collections.GetTags("c"));
        Assert.Null(S.Collections.GetUserFaceCount("c", "u"));
        S.Collections.AddFaces(Tester, "c", [Face("f1")], T0); // the face id is free again too
    }

    [Fact]
    public void Tags_are_set_replaced_and_removed_in_one_write()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.UpdateTags(Tester, "c", new Dictionary<string, string> { ["b"] = "1", ["a"] = "2" }, []);
        S.Collections.UpdateTags(Tester, "c", new Dictionary<string, string> { ["a"] = "changed", ["c"] = "3" }, ["b", "absent"]);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "changed", ["c"] = "3" }, S.Collections.GetTags("c"));
        // A key set and removed in the same call ends removed.
        S.Collections.UpdateTags(Tester, "c", new Dictionary<string, string> { ["d"] = "4", ["c"] = "x" }, ["a", "c"]);
        Assert.Equal(["d"], S.Collections.GetTags("c").Keys);
        Assert.Empty(S.Collections.GetTags("nope"));
        Fails(ErrorKind.ResourceNotFound, () => S.Collections.UpdateTags(Tester, "nope", new Dictionary<string, string> { ["a"] = "1" }, []));
        Fails(ErrorKind.ResourceNotFound, () => S.Collections.UpdateTags(Tester, "nope", new Dictionary<string, string>(), ["a"]));
    }

    [Fact]
    public void A_scratch_store_starts_empty_and_stays_apart_from_the_store()
    {
        S.Collections.CreateCollection(Tester, "real", "arn", "6.0", T0);
        using (var scratch = S.Scratch.Create())
        using (var second = S.Scratch.Create())
        {
            Assert.Empty(scratch.Collections.ListCollections(null, 10));
            scratch.Collections.CreateCollection(Tester, "eval", "arn", "6.0", T0);
            var faces = scratch.Collections.AddFaces(Tester, "eval", [Face("s1", 5)], T0);
            SameBits(Embedding(5), scratch.Collections.GetEmbedding(faces[0].RowId));
            Assert.Empty(second.Collections.ListCollections(null, 10));
        }
        Assert.Equal(["real"], S.Collections.ListCollections(null, 10).Select(c => c.Id));
        using var again = S.Scratch.Create();
        Assert.Empty(again.Collections.ListCollections(null, 10));
    }
}
