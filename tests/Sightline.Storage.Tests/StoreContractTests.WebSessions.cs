namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task A_session_is_found_by_its_token_hash_ended_once_and_forgotten_after_it_ends()
    {
        var session = new WebSession(new string('a', 64), "AKIDCONSOLE", T0, T0.AddHours(8));
        await S.Sessions.AddSessionAsync(Tester, session, Ct);
        await S.Sessions.AddSessionAsync(Tester, new WebSession(new string('b', 64), "AKIDCONSOLE", T0, T0.AddHours(1)), Ct);
        Assert.Equal(session, await Open().Sessions.GetSessionAsync(session.TokenHash, Ct));
        Assert.Null(await S.Sessions.GetSessionAsync(new string('c', 64), Ct));
        Assert.True(session.ValidAt(T0.AddHours(7)) && !session.ValidAt(T0.AddHours(8)));

        Assert.True(await S.Sessions.RevokeSessionAsync(Tester, session.TokenHash, T0.AddHours(2), Ct));
        Assert.False(await S.Sessions.RevokeSessionAsync(Tester, session.TokenHash, T0.AddHours(3), Ct));
        Assert.False(await S.Sessions.RevokeSessionAsync(Tester, new string('c', 64), T0.AddHours(3), Ct));
        var revoked = await S.Sessions.GetSessionAsync(session.TokenHash, Ct);
        Assert.Equal(T0.AddHours(2), revoked!.RevokedAt);
        Assert.False(revoked.ValidAt(T0.AddHours(3)));

        // At 1.5 h: the second (expired at 1 h) goes; the first (signed out at 2 h) stays until then.
        Assert.Equal(1, await S.Sessions.DeleteSessionsEndedBeforeAsync(T0.AddHours(1.5), Ct));
        Assert.NotNull(await S.Sessions.GetSessionAsync(session.TokenHash, Ct));
        Assert.Equal(1, await S.Sessions.DeleteSessionsEndedBeforeAsync(T0.AddHours(2.5), Ct));
        Assert.Null(await S.Sessions.GetSessionAsync(session.TokenHash, Ct));
    }
}
