namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static LiveAuthorization Authorization(string id, DateTimeOffset? created = null) =>
        new(id, "W-2026-0042", "District Court, Judge Ames", ["yard", "gate"], "c1", "case-7", "investigation", 99.5f, T0, T0.AddDays(30), "admin", created ?? T0);

    [Fact]
    public async Task An_authorization_is_stored_whole_listed_newest_first_and_revoked_once()
    {
        var first = Authorization("auth-1");
        await S.Authorizations.AddAuthorizationAsync(Tester, first, Ct);
        await S.Authorizations.AddAuthorizationAsync(Tester, Authorization("auth-2", T0.AddMinutes(1)) with { FaceMatchThreshold = null }, Ct);
        var read = await Open().Authorizations.GetAuthorizationAsync("auth-1", Ct);
        Assert.NotNull(read);
        Assert.Equal(first with { Cameras = read.Cameras }, read);
        Assert.Equal(["yard", "gate"], read.Cameras);
        Assert.Null((await S.Authorizations.GetAuthorizationAsync("auth-2", Ct))!.FaceMatchThreshold);
        Assert.Equal(["auth-2", "auth-1"], (await S.Authorizations.ListAuthorizationsAsync(Ct)).Select(a => a.Id));
        var again = await Assert.ThrowsAsync<SightlineException>(() => S.Authorizations.AddAuthorizationAsync(Tester, first, Ct));
        Assert.Equal(ErrorKind.ResourceAlreadyExists, again.Kind);

        var revoked = first with { RevokedAt = T0.AddDays(1), RevokedBy = "admin", RevokeReason = "case closed" };
        Assert.True(await S.Authorizations.RevokeAuthorizationAsync(Tester, revoked, Ct));
        Assert.False(await S.Authorizations.RevokeAuthorizationAsync(Tester, revoked with { RevokeReason = "again" }, Ct));
        Assert.False(await S.Authorizations.RevokeAuthorizationAsync(Tester, Authorization("nowhere") with { RevokedAt = T0 }, Ct));
        var after = await S.Authorizations.GetAuthorizationAsync("auth-1", Ct);
        Assert.Equal(("case closed", "revoked"), (after!.RevokeReason, after.StateAt(T0.AddDays(2))));
        Assert.False(after.ActiveAt(T0.AddDays(2)));
        Assert.True(first.ActiveAt(T0.AddDays(2)) && !first.ActiveAt(T0.AddDays(30)) && first.Covers("gate") && !first.Covers("Gate"));
    }
}
