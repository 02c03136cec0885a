namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task A_user_is_created_once_unless_the_same_client_request_token_repeats_it()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.CreateUserAsync(Tester, "c", "plain", T0, null, Ct);
        await FailsAsync(ErrorKind.Conflict, async () => await S.Collections.CreateUserAsync(Tester, "c", "plain", T0, null, Ct));
        await FailsAsync(ErrorKind.Conflict, async () => await S.Collections.CreateUserAsync(Tester, "c", "plain", T0, "token", Ct));

        int records = (await AuditLogAsync()).Count;
        await S.Collections.CreateUserAsync(Entry("CreateUser"), "c", "tokened", T0, "token-1", Ct);
        await S.Collections.CreateUserAsync(Entry("CreateUser"), "c", "tokened", T0.AddMinutes(1), "token-1", Ct); // the same request again
        Assert.Equal(records + 1, (await AuditLogAsync()).Count); // the repeat changed nothing and recorded nothing
        await FailsAsync(ErrorKind.Conflict, async () => await S.Collections.CreateUserAsync(Tester, "c", "tokened", T0, "token-2", Ct));
        await FailsAsync(ErrorKind.Conflict, async () => await S.Collections.CreateUserAsync(Tester, "c", "tokened", T0, null, Ct));
        Assert.Equal(["plain", "tokened"], (await S.Collections.ListUsersAsync("c", null, 10, Ct)).Select(u => u.UserId));

        // The same user id in another collection is another user; a missing collection is refused as a conflict, as ever.
        await S.Collections.CreateCollectionAsync(Tester, "d", "arn", "6.0", T0, Ct);
        await S.Collections.CreateUserAsync(Tester, "d", "plain", T0, null, Ct);
        await FailsAsync(ErrorKind.Conflict, async () => await S.Collections.CreateUserAsync(Tester, "missing", "u", T0, null, Ct));
    }

    [Fact]
    public async Task A_request_retried_with_its_token_on_two_store_instances_at_once_creates_one_user()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        var stores = new[] { S, Open() };
        var results = await TogetherAsync(4, async t =>
        {
            await stores[t % 2].Collections.CreateUserAsync(Entry("CreateUser"), "c", "u", T0, "retry-token", Ct);
            return null;
        });
        Assert.All(results, r => Assert.Null(r));
        Assert.Equal([("u", 0)], await S.Collections.ListUsersAsync("c", null, 10, Ct));
        Assert.Single((await AuditLogAsync()), r => r.Entry.Operation == "CreateUser");
    }

    [Fact]
    public async Task Every_list_pages_in_order_without_gaps_or_repeats()
    {
        var ids = Enumerable.Range(0, 23).Select(i => $"c{i:00}").ToList();
        foreach (string id in ids.AsEnumerable().Reverse())
            await S.Collections.CreateCollectionAsync(Tester, id, "arn", "6.0", T0, Ct);
        Assert.Equal(ids, await PagesAsync<CollectionRecord, string?>(after => S.Collections.ListCollectionsAsync(after, 5, Ct), c => c.Id, null, c => c.Id));

        var faces = await S.Collections.AddFacesAsync(Tester, "c00", [.. Enumerable.Range(0, 23).Select(i => Face($"f{i}", i))], T0, Ct);
        Assert.Equal(faces.Select(f => f.FaceId), await PagesAsync<StoredFace, long>(after => S.Collections.ListFacesAsync("c00", after, 4, FaceFilter.All, Ct), f => f.RowId, 0, f => f.FaceId));

        var users = Enumerable.Range(0, 23).Select(i => $"u{i:00}").ToList();
        foreach (string u in users)
            await S.Collections.CreateUserAsync(Tester, "c01", u, T0, null, Ct);
        Assert.Equal(users, await PagesAsync<(string UserId, int FaceCount), string?>(after => S.Collections.ListUsersAsync("c01", after, 6, Ct), u => u.UserId, null, u => u.UserId));

        var log = await AuditLogAsync();
        Assert.Equal(log.Select(r => r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            await PagesAsync<AuditRecord, long>(after => S.Audit.ReadAuditAsync(after, 7, Ct), r => r.Seq, 0, r => r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Reads a list page by page, each page starting after the last key of the one before, until an empty page.</summary>
    private static async Task<List<string>> PagesAsync<T, TKey>(Func<TKey, Task<IReadOnlyList<T>>> page, Func<T, TKey> key, TKey start, Func<T, string> value)
    {
        var all = new List<string>();
        TKey after = start;
        while (true)
        {
            var items = await page(after);
            if (items.Count == 0)
                return all;
            all.AddRange(items.Select(value));
            after = key(items[^1]);
        }
    }

    [Fact]
    public async Task Faces_are_associated_with_users_counted_listed_and_disassociated()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1", 1), Face("f2", 2), Face("f3", 3)], T0, Ct);
        foreach (string u in new[] { "u3", "u1", "u2" })
            await S.Collections.CreateUserAsync(Tester, "c", u, T0, null, Ct);
        Assert.Null(await S.Collections.GetUserFaceCountAsync("c", "nobody", Ct));
        Assert.Equal(0, await S.Collections.GetUserFaceCountAsync("c", "u1", Ct));

        await S.Collections.SetFaceUserAsync(Tester, "c", ["f1", "f3"], "u1", Ct);
        await S.Collections.SetFaceUserAsync(Tester, "c", ["f2"], "u2", Ct);
        Assert.Equal(2, await S.Collections.GetUserFaceCountAsync("c", "u1", Ct));
        Assert.Equal("u1", (await S.Collections.GetFaceAsync("c", "f3", Ct))!.UserId);
        var faces = await S.Collections.UserFacesAsync("c", "u1", withEmbeddings: true, Ct);
        Assert.Equal(["f1", "f3"], faces.Select(f => f.FaceId));
        SameBits(Embedding(3), faces[1].Embedding);
        Assert.All(await S.Collections.UserFacesAsync("c", "u1", withEmbeddings: false, Ct), f => Assert.Null(f.Embedding));

        Assert.Equal([("u1", 2), ("u2", 1), ("u3", 0)], await S.Collections.ListUsersAsync("c", null, 10, Ct));
        Assert.Equal([("u2", 1)], await S.Collections.ListUsersAsync("c", "u1", 1, Ct));

        await S.Collections.SetFaceUserAsync(Tester, "c", ["f1"], null, Ct);
        Assert.Null((await S.Collections.GetFaceAsync("c", "f1", Ct))!.UserId);
        Assert.Equal(1, await S.Collections.GetUserFaceCountAsync("c", "u1", Ct));
    }

    [Fact]
    public async Task Deleting_a_user_unlinks_its_faces_and_keeps_them()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1"), Face("f2")], T0, Ct);
        await S.Collections.CreateUserAsync(Tester, "c", "u", T0, null, Ct);
        await S.Collections.SetFaceUserAsync(Tester, "c", ["f1", "f2"], "u", Ct);
        Assert.True(await S.Collections.DeleteUserAsync(Tester, "c", "u", Ct));
        Assert.False(await S.Collections.DeleteUserAsync(Tester, "c", "u", Ct));
        Assert.Null(await S.Collections.GetUserFaceCountAsync("c", "u", Ct));
        Assert.All(await S.Collections.ListFacesAsync("c", 0, 10, FaceFilter.All, Ct), f => Assert.Null(f.UserId));
        Assert.Equal(2, (await S.Collections.ListFacesAsync("c", 0, 10, FaceFilter.All, Ct)).Count);
        Assert.Empty(await S.Collections.UserFacesAsync("c", "u", false, Ct));
        await S.Collections.CreateUserAsync(Tester, "c", "u", T0, null, Ct); // and the id is free again
    }

    [Fact]
    public async Task Access_keys_keep_their_bytes_list_in_creation_order_and_revoke_once()
    {
        byte[] salt = [0, 1, 2, 255, 0], hash = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];
        var k2 = new StoredAccessKey("SLKEY2", "analyst", salt, hash, T0.AddSeconds(1), null, "2026-007", "investigation", "desk 2");
        var k1 = new StoredAccessKey("SLKEY1", "admin", [9], [8], T0, null, null, null, null);
        await S.Keys.AddKeyAsync(Tester, k2, Ct);
        await S.Keys.AddKeyAsync(Tester, k1, Ct);
        await FailsAsync(ErrorKind.ResourceAlreadyExists, async () => await S.Keys.AddKeyAsync(Tester, k1 with { Role = "analyst" }, Ct));

        var read = (await S.Keys.GetKeyAsync("SLKEY2", Ct))!;
        Assert.Equal((k2.Role, k2.CreatedAt, k2.DefaultCase, k2.DefaultPurpose, k2.Description, (DateTimeOffset?)null), (read.Role, read.CreatedAt, read.DefaultCase, read.DefaultPurpose, read.Description, read.RevokedAt));
        Assert.Equal(salt, read.Salt);
        Assert.Equal(hash, read.SecretHash);
        Assert.Null(await S.Keys.GetKeyAsync("SLKEY9", Ct));
        Assert.Equal(["SLKEY1", "SLKEY2"], (await S.Keys.ListKeysAsync(Ct)).Select(k => k.AccessKeyId));
        Assert.Equal("admin", (await S.Keys.GetKeyAsync("SLKEY1", Ct))!.Role);

        Assert.True(await S.Keys.RevokeKeyAsync(Tester, "SLKEY2", T0.AddDays(1), Ct));
        Assert.False(await S.Keys.RevokeKeyAsync(Tester, "SLKEY2", T0.AddDays(2), Ct));
        Assert.False(await S.Keys.RevokeKeyAsync(Tester, "SLKEY9", T0, Ct));
        Assert.Equal(T0.AddDays(1), (await S.Keys.GetKeyAsync("SLKEY2", Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Policy_starts_at_the_defaults_and_keeps_changes()
    {
        Assert.Equal(Policy.Default.ToJson(), (await S.Policy.GetPolicyAsync(Ct)).ToJson());
        await S.Policy.SetPolicyAsync(Tester, "identificationThresholdFloor", "95.5", Ct);
        await S.Policy.SetPolicyAsync(Tester, "purposes", "a,b", Ct);
        await S.Policy.SetPolicyAsync(Tester, "reviewOwnSearches", "false", Ct);
        await S.Policy.SetPolicyAsync(Tester, "reviewOwnSearches", "true", Ct); // replaced
        await S.Policy.SetPolicyAsync(Tester, "retiredSetting", "1", Ct); // a key this version does not know is kept but not read
        var policy = await S.Policy.GetPolicyAsync(Ct);
        Assert.Equal((true, 95.5f, true), (policy.RequireCase, policy.IdentificationThresholdFloor, policy.ReviewOwnSearches));
        Assert.Equal(["a", "b"], policy.Purposes);
        Assert.Equal(policy.ToJson(), (await Open().Policy.GetPolicyAsync(Ct)).ToJson());
    }
}
