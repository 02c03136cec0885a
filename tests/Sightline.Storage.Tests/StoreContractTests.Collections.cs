namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Collections_are_created_read_listed_in_id_order_and_deleted()
    {
        foreach (string id in new[] { "b", "a", "c", "B", "a-1" })
            Assert.Equal(id, (await S.Collections.CreateCollectionAsync(Tester, id, "arn:" + id, "6.0", T0, Ct)).Id);
        var a = await S.Collections.GetCollectionAsync("a", true, Ct);
        Assert.Equal(new CollectionRecord("a", "arn:a", "6.0", T0, 0, 0), a);
        Assert.Null(await S.Collections.GetCollectionAsync("missing", true, Ct));

        // Ordinal order (upper case first), paged with the last id seen.
        Assert.Equal(["B", "a", "a-1", "b", "c"], (await S.Collections.ListCollectionsAsync(null, 10, Ct)).Select(c => c.Id));
        Assert.Equal(["a-1", "b"], (await S.Collections.ListCollectionsAsync("a", 2, Ct)).Select(c => c.Id));
        Assert.Empty(await S.Collections.ListCollectionsAsync("c", 10, Ct));

        Assert.Equal(new CollectionDeletion(true, 0), await S.Collections.DeleteCollectionAsync(Tester, "b", Ct));
        Assert.Equal(new CollectionDeletion(false, 0), await S.Collections.DeleteCollectionAsync(Tester, "b", Ct));
        Assert.Null(await S.Collections.GetCollectionAsync("b", true, Ct));
        Assert.Equal(["B", "a", "a-1", "c"], (await S.Collections.ListCollectionsAsync(null, 10, Ct)).Select(c => c.Id));
    }

    [Fact]
    public async Task A_duplicate_collection_is_ResourceAlreadyExists_and_changes_nothing()
    {
        await S.Collections.CreateCollectionAsync(Tester, "dup", "arn:1", "6.0", T0, Ct);
        await FailsAsync(ErrorKind.ResourceAlreadyExists, async () => await S.Collections.CreateCollectionAsync(Tester, "dup", "arn:2", "7.0", T0.AddDays(1), Ct));
        Assert.Equal("arn:1", (await S.Collections.GetCollectionAsync("dup", true, Ct))!.Arn);
    }

    [Fact]
    public async Task Counts_are_given_only_when_asked()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1"), Face("f2"), Face("f3")], T0, Ct);
        await S.Collections.CreateUserAsync(Tester, "c", "u1", T0, null, Ct);
        Assert.Equal((3, 1), ((await S.Collections.GetCollectionAsync("c", true, Ct))!.FaceCount, (await S.Collections.GetCollectionAsync("c", true, Ct))!.UserCount));
        Assert.Equal((0, 0), ((await S.Collections.GetCollectionAsync("c", withCounts: false, Ct))!.FaceCount, (await S.Collections.GetCollectionAsync("c", withCounts: false, Ct))!.UserCount));
        Assert.Equal(3, (await S.Collections.ListCollectionsAsync(null, 1, Ct)).Single().FaceCount);
    }

    [Fact]
    public async Task Faces_get_increasing_row_ids_and_page_by_them_with_filters()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.CreateCollectionAsync(Tester, "other", "arn", "6.0", T0, Ct);
        var added = await S.Collections.AddFacesAsync(Tester, "c", [.. Enumerable.Range(1, 7).Select(i => Face($"f{i}", i))], T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "other", [Face("o1")], T0, Ct);
        Assert.Equal(added.Select(f => f.RowId).Order(), added.Select(f => f.RowId));
        Assert.Equal(7, added.Select(f => f.RowId).Distinct().Count());
        Assert.Equal(["f1", "f2", "f3", "f4", "f5", "f6", "f7"], added.Select(f => f.FaceId));

        var page1 = await S.Collections.ListFacesAsync("c", 0, 3, FaceFilter.All, Ct);
        var page2 = await S.Collections.ListFacesAsync("c", page1[^1].RowId, 3, FaceFilter.All, Ct);
        var page3 = await S.Collections.ListFacesAsync("c", page2[^1].RowId, 3, FaceFilter.All, Ct);
        Assert.Equal(added.Select(f => f.FaceId), page1.Concat(page2).Concat(page3).Select(f => f.FaceId));
        Assert.Single(page3);
        Assert.All(page1, f => Assert.Null(f.Embedding));

        var filtered = await S.Collections.ListFacesAsync("c", 0, 10, new FaceFilter(["f6", "f2", "o1", "nope"], WithEmbeddings: true), Ct);
        Assert.Equal(["f2", "f6"], filtered.Select(f => f.FaceId));
        SameBits(Embedding(2), filtered[0].Embedding);
        Assert.Equal(["f7"], (await S.Collections.ListFacesAsync("c", added[5].RowId, 10, new FaceFilter(["f2", "f7"]), Ct)).Select(f => f.FaceId));

        await S.Collections.CreateUserAsync(Tester, "c", "u", T0, null, Ct);
        await S.Collections.SetFaceUserAsync(Tester, "c", ["f3", "f5"], "u", Ct);
        Assert.Equal(["f3", "f5"], (await S.Collections.ListFacesAsync("c", 0, 10, new FaceFilter(UserId: "u"), Ct)).Select(f => f.FaceId));
        Assert.Equal(added.Select(f => f.RowId), await S.Collections.ReadRowIdsAsync("c", FaceShard.All, Ct));
    }

    [Fact]
    public async Task A_face_reads_back_field_for_field_with_its_embedding_bit_exact()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        var stored = (await S.Collections.AddFacesAsync(Tester, "c", [Face("f1", 3), Face("f2", 4, external: null)], T0, Ct)).ToList();
        var f1 = (await S.Collections.GetFaceAsync("c", "f1", Ct))!;
        Assert.Equal(stored[0] with { Embedding = null }, f1 with { Embedding = null });
        Assert.Equal(T0, f1.CreatedAt);
        SameBits(Embedding(3), f1.Embedding);
        Assert.Null((await S.Collections.GetFaceAsync("c", "f2", Ct))!.ExternalImageId);
        Assert.Null(await S.Collections.GetFaceAsync("other", "f1", Ct));

        SameBits(Embedding(4), await S.Collections.GetEmbeddingAsync(stored[1].RowId, Ct));
        Assert.Null(await S.Collections.GetEmbeddingAsync(stored[1].RowId + 1000, Ct));
        var many = await S.Collections.GetEmbeddingsAsync([stored[0].RowId, stored[1].RowId, 999_999], Ct);
        Assert.Equal(2, many.Count);
        SameBits(Embedding(3), many[stored[0].RowId]);
        Assert.Equal(["f1", "f2"], (await S.Collections.GetFacesByRowIdsAsync([stored[1].RowId, 999_999, stored[0].RowId], Ct)).Select(f => f.FaceId).Order());
        Assert.Empty(await S.Collections.GetFacesByRowIdsAsync([], Ct));
        var streamed = (await S.Collections.ReadEmbeddingsAsync("c", FaceShard.All, Ct).ToListAsync(Ct)).ToList();
        Assert.Equal(stored.Select(f => f.RowId), streamed.Select(e => e.RowId));
        SameBits(Embedding(4), streamed[1].Embedding);
        // Two shards split the faces by row id, each read on its own, together the whole collection.
        var halves = new[] { new FaceShard(0, 2), new FaceShard(1, 2) };
        var shardRows = await Task.WhenAll(halves.Select(h => S.Collections.ReadRowIdsAsync("c", h, Ct)));
        Assert.Equal(stored.Select(f => f.RowId).Order(), shardRows.SelectMany(r => r).Order());
        for (int i = 0; i < 2; i++)
        {
            Assert.All(shardRows[i], r => Assert.Equal(i, (int)(r % 2)));
            Assert.Equal(shardRows[i], (await S.Collections.ReadEmbeddingsAsync("c", halves[i], Ct).ToListAsync(Ct)).Select(e => e.RowId));
        }
    }

    [Fact]
    public async Task Faces_for_a_missing_collection_are_ResourceNotFound_and_none_are_kept()
    {
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await S.Collections.AddFacesAsync(Tester, "missing", [Face("f1")], T0, Ct));
        await S.Collections.CreateCollectionAsync(Tester, "missing", "arn", "6.0", T0, Ct);
        Assert.Empty(await S.Collections.ListFacesAsync("missing", 0, 10, FaceFilter.All, Ct));
    }

    [Fact]
    public async Task Deleting_faces_returns_those_that_existed_and_touches_no_other_collection()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.CreateCollectionAsync(Tester, "d", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1"), Face("f2"), Face("f3")], T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "d", [Face("g1")], T0, Ct);
        var deleted = await S.Collections.DeleteFacesAsync(Tester, "c", ["f3", "f1", "f1", "g1", "nope"], Ct);
        Assert.Equal(["f3", "f1"], deleted.Deleted.Select(f => f.FaceId));
        Assert.Empty(deleted.Held);
        Assert.Equal(["f2"], (await S.Collections.ListFacesAsync("c", 0, 10, FaceFilter.All, Ct)).Select(f => f.FaceId));
        Assert.NotNull(await S.Collections.GetFaceAsync("d", "g1", Ct));
        Assert.Empty((await S.Collections.DeleteFacesAsync(Tester, "c", ["f1"], Ct)).Deleted);
    }

    [Fact]
    public async Task Deleting_a_collection_takes_its_faces_users_tags_and_rule_and_its_id_can_be_reused()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        var faces = await S.Collections.AddFacesAsync(Tester, "c", [Face("f1"), Face("f2")], T0, Ct);
        await S.Collections.CreateUserAsync(Tester, "c", "u", T0, null, Ct);
        await S.Collections.UpdateTagsAsync(Tester, "c", new Dictionary<string, string> { ["k"] = "v" }, [], Ct);
        await S.Retention.SetRetentionAsync(Tester, new RetentionRule("c", 30, null), Ct);
        Assert.True((await S.Collections.DeleteCollectionAsync(Tester, "c", Ct)).Deleted);
        Assert.Empty(await S.Collections.GetFacesByRowIdsAsync([.. faces.Select(f => f.RowId)], Ct));
        Assert.Empty(await S.Retention.ListRetentionAsync(Ct));

        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        Assert.Equal((0, 0), ((await S.Collections.GetCollectionAsync("c", true, Ct))!.FaceCount, (await S.Collections.GetCollectionAsync("c", true, Ct))!.UserCount));
        Assert.Empty(await S.Collections.GetTagsAsync("c", Ct));
        Assert.Null(await S.Collections.GetUserFaceCountAsync("c", "u", Ct));
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1")], T0, Ct); // the face id is free again too
    }

    [Fact]
    public async Task Tags_are_set_replaced_and_removed_in_one_write()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.UpdateTagsAsync(Tester, "c", new Dictionary<string, string> { ["b"] = "1", ["a"] = "2" }, [], Ct);
        await S.Collections.UpdateTagsAsync(Tester, "c", new Dictionary<string, string> { ["a"] = "changed", ["c"] = "3" }, ["b", "absent"], Ct);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "changed", ["c"] = "3" }, await S.Collections.GetTagsAsync("c", Ct));
        // A key set and removed in the same call ends removed.
        await S.Collections.UpdateTagsAsync(Tester, "c", new Dictionary<string, string> { ["d"] = "4", ["c"] = "x" }, ["a", "c"], Ct);
        Assert.Equal(["d"], (await S.Collections.GetTagsAsync("c", Ct)).Keys);
        Assert.Empty(await S.Collections.GetTagsAsync("nope", Ct));
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await S.Collections.UpdateTagsAsync(Tester, "nope", new Dictionary<string, string> { ["a"] = "1" }, [], Ct));
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await S.Collections.UpdateTagsAsync(Tester, "nope", new Dictionary<string, string>(), ["a"], Ct));
    }

    [Fact]
    public async Task A_scratch_store_starts_empty_and_stays_apart_from_the_store()
    {
        await S.Collections.CreateCollectionAsync(Tester, "real", "arn", "6.0", T0, Ct);
        await using (var scratch = await S.Scratch.CreateAsync(Ct))
        await using (var second = await S.Scratch.CreateAsync(Ct))
        {
            Assert.Empty(await scratch.Collections.ListCollectionsAsync(null, 10, Ct));
            await scratch.Collections.CreateCollectionAsync(Tester, "eval", "arn", "6.0", T0, Ct);
            var faces = await scratch.Collections.AddFacesAsync(Tester, "eval", [Face("s1", 5)], T0, Ct);
            SameBits(Embedding(5), await scratch.Collections.GetEmbeddingAsync(faces[0].RowId, Ct));
            Assert.Empty(await second.Collections.ListCollectionsAsync(null, 10, Ct));
        }
        Assert.Equal(["real"], (await S.Collections.ListCollectionsAsync(null, 10, Ct)).Select(c => c.Id));
        await using var again = await S.Scratch.CreateAsync(Ct);
        Assert.Empty(await again.Collections.ListCollectionsAsync(null, 10, Ct));
    }
}
