using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IWebSessionStore
{
    private const string SessionColumns = "token_hash, access_key_id, created_at, expires_at, revoked_at";

    public async Task AddSessionAsync(AuditEntry audit, WebSession session, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, tx, $"INSERT INTO web_sessions ({SessionColumns}) VALUES ($hash, $key, $created, $expires, NULL);", cancellationToken,
            ("$hash", session.TokenHash), ("$key", session.AccessKeyId), ("$created", session.CreatedAt.ToUnixTimeMilliseconds()),
            ("$expires", session.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await CommitAuditedAsync(connection, tx, audit, WebSessionAudit.Details(session.ExpiresAt), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {SessionColumns} FROM web_sessions WHERE token_hash = $hash;", ReadSession, cancellationToken, ("$hash", tokenHash)).ConfigureAwait(false))
            .FirstOrDefault();

    public async Task<bool> RevokeSessionAsync(AuditEntry audit, string tokenHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        List<long> ends;
        await using (var cmd = Command(connection, "UPDATE web_sessions SET revoked_at = $at WHERE token_hash = $hash AND revoked_at IS NULL RETURNING expires_at;", tx,
            ("$hash", tokenHash), ("$at", at.ToUnixTimeMilliseconds())))
            ends = await ReadAllAsync(cmd, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        if (ends.Count == 0)
            return false;
        await CommitAuditedAsync(connection, tx, audit, WebSessionAudit.Details(FromUnixMs(ends[0])), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<int> DeleteSessionsEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(connection, null, "DELETE FROM web_sessions WHERE expires_at < $t OR revoked_at < $t;", cancellationToken,
            ("$t", before.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    private static WebSession ReadSession(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), FromUnixMs(r.GetInt64(2)), FromUnixMs(r.GetInt64(3))) { RevokedAt = r.IsDBNull(4) ? null : FromUnixMs(r.GetInt64(4)) };
}
