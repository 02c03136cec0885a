using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore : IWebSessionStore
{
    private const string SessionColumns = "token_hash, access_key_id, created_at, expires_at, revoked_at";

    public Task AddSessionAsync(AuditEntry audit, WebSession session, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, $"INSERT INTO web_sessions ({SessionColumns}) VALUES (@hash, @key, @created, @expires, NULL);", cancellationToken,
                ("hash", session.TokenHash), ("key", session.AccessKeyId), ("created", Ms(session.CreatedAt)), ("expires", Ms(session.ExpiresAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, WebSessionAudit.Details(session.ExpiresAt), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<WebSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {SessionColumns} FROM web_sessions WHERE token_hash = @hash;", ReadSession, cancellationToken, ("hash", tokenHash)).ConfigureAwait(false))
            .FirstOrDefault();

    public Task<bool> RevokeSessionAsync(AuditEntry audit, string tokenHash, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            List<long> ends;
            await using (var cmd = Command(c, "UPDATE web_sessions SET revoked_at = @at WHERE token_hash = @hash AND revoked_at IS NULL RETURNING expires_at;", tx,
                ("hash", tokenHash), ("at", Ms(at))))
                ends = await ReadAllAsync(cmd, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
            if (ends.Count == 0)
                return false;
            await AppendAuditedAsync(c, tx, audit, WebSessionAudit.Details(FromUnixMs(ends[0])), null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public async Task<int> DeleteSessionsEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM web_sessions WHERE expires_at < @t OR revoked_at < @t;", cancellationToken, ("t", Ms(before))).ConfigureAwait(false);

    private static WebSession ReadSession(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), FromUnixMs(r.GetInt64(2)), FromUnixMs(r.GetInt64(3))) { RevokedAt = r.IsDBNull(4) ? null : FromUnixMs(r.GetInt64(4)) };
}
