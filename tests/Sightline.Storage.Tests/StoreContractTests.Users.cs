namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public void A_user_is_created_once_unless_the_same_client_request_token_repeats_it()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.CreateUser(Tester, "c", "plain", T0);
        Fails(ErrorKind.Conflict, () => S.Collections.CreateUser(Tester, "c", "plain", T0));
        Fails(ErrorKind.Conflict, () => S.Collections.CreateUser(Tester, "c", "plain", T0, "token"));

        int records = AuditLog().Count;
        S.Collections.CreateUser(Entry("CreateUser"), "c", "tokened", T0, "token-1");
        S.Collections.CreateUser(Entry("CreateUser"), "c", "tokened", T0.AddMinutes(1), "token-1"); // the same request again
        Assert.Equal(records + 1, AuditLog().Count); // the repeat changed nothing and recorded nothing
        Fails(ErrorKind.Conflict, () => S.Collections.CreateUser(Tester, "c", "tokened", T0, "token-2"));
        Fails(ErrorKind.Conflict, () => S.Collections.CreateUser(Tester, "c", "tokened", T0));
        Assert.Equal(["plain", "tokened"], S.Collections.ListUsers("c", null, 10).Select(u => u.UserId));

        // The same user id in another collection is another user; a missing collection is refused as a conflict, as ever.
        S.Collections.CreateCollection(Tester, "d", "arn", "6.0", T0);
        S.Collections.CreateUser(Tester, "d", "plain", T0);
        Fails(ErrorKind.Conflict, () => S.Collections.CreateUser(Tester, "missing", "u", T0));
    }

    [Fact]
    public void A_request_retried_with_its_token_on_two_store_instances_at_once_creates_one_user()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        var stores = new[] { S, Open() };
        var results = Together(4, t =>
        {
            stores[t % 2].Collections.CreateUser(Entry("CreateUser"), "c", "u", T0, "retry-token");
            return null;
        });
        Assert.All(results, r => Assert.Null(r));
        Assert.Equal([("u", 0)], S.Collections.ListUsers("c", null, 10));
        Assert.Single(AuditLog(), r => r.Entry.Operation == "CreateUser");
    }

    [Fact]
    public void Every_list_pages_in_order_without_gaps_or_repeats()
    {
        var ids = Enumerable.Range(0, 23).Select(i => $"c{i:00}").ToList();
        foreach (string id in ids.AsEnumerable().Reverse())
            S.Collections.CreateCollection(Tester, id, "arn", "6.0", T0);
        Assert.Equal(ids, Pages(after => S.Collections.ListCollections(after, 5), c => c.Id, c => c.Id));

        var faces = S.Collections.AddFaces(Tester, "c00", [.. Enumerable.Range(0, 23).Select(i => Face($"f{i}", i))], T0);
        Assert.Equal(faces.Select(f => f.FaceId), Pages<StoredFace, long>(after => S.Collections.ListFaces("c00", after, 4), f => f.RowId, f => f.FaceId, 0).Cast<string>());

        var users = Enumerable.Range(0, 23).Select(i => $"u{i:00}").ToList();
        foreach (string u in users)
            S.Collections.CreateUser(Tester, "c01", u, T0);
        Assert.Equal(users, Pages(after => S.Collections.ListUsers("c01", after, 6), u => u.UserId, u => u.UserId));

        var log = AuditLog();
        Assert.Equal(log.Select(r => r.Seq), Pages<AuditRecord, long>(after => S.Audit.ReadAudit(after, 7), r => r.Seq, r => r.Seq, 0).Cast<long>());
    }

    /// <summary>Reads a list page by page, each page starting after the last key of the one before, until a short page.</summary>
    private static List<object> Pages<T, TKey>(Func<TKey, IReadOnlyList<T>> page, Func<T, TKey> key, Func<T, object> value, TKey start)
    {
        var all = new List<object>();
        TKey after = start;
        for (var items = page(after); ; items = page(after))
        {
            all.AddRange(items.Select(value));
            if (items.Count == 0)
                return all;
            after = key(items[^1]);
        }
    }

    private static List<string> Pages<T>(Func<string?, IReadOnlyList<T>> page, Func<T, string> key, Func<T, string> value) =>
        [.. Pages<T, string?>(page, x => key(x), x => value(x), null).Cast<string>()];

    [Fact]
    public void Faces_are_associated_with_users_counted_listed_and_disassociated()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.AddFaces(Tester, "c", [Face("f1", 1), Face("f2", 2), Face("f3", 3)], T0);
        foreach (string u in new[] { "u3", "u1", "u2" })
            S.Collections.CreateUser(Tester, "c", u, T0);
        Assert.Null(S.Collections.GetUserFaceCount("c", "nobody"));
        Assert.Equal(0, S.Collections.GetUserFaceCount("c", "u1"));

        S.Collections.SetFaceUser(Tester, "c", ["f1", "f3"], "u1");
        S.Collections.SetFaceUser(Tester, "c", ["f2"], "u2");
        Assert.Equal(2, S.Collections.GetUserFaceCount("c", "u1"));
        Assert.Equal("u1", S.Collections.GetFace("c", "f3")!.UserId);
        var faces = S.Collections.UserFaces("c", "u1", withEmbeddings: true);
        Assert.Equal(["f1", "f3"], faces.Select(f => f.FaceId));
        SameBits(Embedding(3), faces[1].Embedding);
        Assert.All(S.Collections.UserFaces("c", "u1", withEmbeddings: false), f => Assert.Null(f.Embedding));

        Assert.Equal([("u1", 2), ("u2", 1), ("u3", 0)], S.Collections.ListUsers("c", null, 10));
        Assert.Equal([("u2", 1)], S.Collections.ListUsers("c", "u1", 1));

        S.Collections.SetFaceUser(Tester, "c", ["f1"], null);
        Assert.Null(S.Collections.GetFace("c", "f1")!.UserId);
        Assert.Equal(1, S.Collections.GetUserFaceCount("c", "u1"));
    }

    [Fact]
    public void Deleting_a_user_unlinks_its_faces_and_keeps_them()
    {
        S.Collections.CreateCollection(Tester, "c", "arn", "6.0", T0);
        S.Collections.AddFaces(Tester, "c", [Face("f1"), Face("f2")], T0);
        S.Collections.CreateUser(Tester, "c", "u", T0);
        S.Collections.SetFaceUser(Tester, "c", ["f1", "f2"], "u");
        Assert.True(S.Collections.DeleteUser(Tester, "c", "u"));
        Assert.False(S.Collections.DeleteUser(Tester, "c", "u"));
        Assert.Null(S.Collections.GetUserFaceCount("c", "u"));
        Assert.All(S.Collections.ListFaces("c", 0, 10), f => Assert.Null(f.UserId));
        Assert.Equal(2, S.Collections.ListFaces("c", 0, 10).Count);
        Assert.Empty(S.Collections.UserFaces("c", "u", false));
        S.Collections.CreateUser(Tester, "c", "u", T0); // and the id is free again
    }

    [Fact]
    public void Access_keys_keep_their_bytes_list_in_creation_order_and_revoke_once()
    {
        byte[] salt = [0, 1, 2, 255, 0], hash = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];
        var k2 = new StoredAccessKey("SLKEY2", "analyst", salt, hash, T0.AddSeconds(1), null, "2026-007", "investigation", "desk 2");
        var k1 = new StoredAccessKey("SLKEY1", "admin", [9], [8], T0, null, null, null, null);
        S.Keys.AddKey(Tester, k2);
        S.Keys.AddKey(Tester, k1);
        Fails(ErrorKind.ResourceAlreadyExists, () => S.Keys.AddKey(Tester, k1 with { Role = "analyst" }));

        var read = S.Keys.GetKey("SLKEY2")!;
        Assert.Equal((k2.Role, k2.CreatedAt, k2.DefaultCase, k2.DefaultPurpose, k2.Description, (DateTimeOffset?)null), (read.Role, read.CreatedAt, read.DefaultCase, read.DefaultPurpose, read.Description, read.RevokedAt));
        Assert.Equal(salt, read.Salt);
        Assert.Equal(hash, read.SecretHash);
        Assert.Null(S.Keys.GetKey("SLKEY9"));
        Assert.Equal(["SLKEY1", "SLKEY2"], S.Keys.ListKeys().Select(k => k.AccessKeyId));
        Assert.Equal("admin", S.Keys.GetKey("SLKEY1")!.Role);

        Assert.True(S.Keys.RevokeKey(Tester, "SLKEY2", T0.AddDays(1)));
        Assert.False(S.Keys.RevokeKey(Tester, "SLKEY2", T0.AddDays(2)));
        Assert.False(S.Keys.RevokeKey(Tester, "SLKEY9", T0));
        Assert.Equal(T0.AddDays(1), S.Keys.GetKey("SLKEY2")!.RevokedAt);
    }

    [Fact]
    public void Policy_starts_at_the_defaults_and_keeps_changes()
    {
        Assert.Equal(Policy.Default.ToJson(), S.Policy.GetPolicy().ToJson());
        S.Policy.SetPolicy(Tester, "identificationThresholdFloor", "95.5");
        S.Policy.SetPolicy(Tester, "purposes", "a,b");
        S.Policy.SetPolicy(Tester, "reviewOwnSearches", "false");
        S.Policy.SetPolicy(Tester, "reviewOwnSearches", "true"); // replaced
        S.Policy.SetPolicy(Tester, "retiredSetting", "1"); // a key this version does not know is kept but not read
        var policy = S.Policy.GetPolicy();
        Assert.Equal((true, 95.5f, true), (policy.RequireCase, policy.IdentificationThresholdFloor, policy.ReviewOwnSearches));
        Assert.Equal(["a", "b"], policy.Purposes);
        Assert.Equal(policy.ToJson(), Open().Policy.GetPolicy().ToJson());
    }
}
