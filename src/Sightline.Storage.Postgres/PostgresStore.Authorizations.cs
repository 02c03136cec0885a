using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore : IAuthorizationStore
{
    public Task AddAuthorizationAsync(AuditEntry audit, LiveAuthorization authorization, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            string document = AuthorizationDocument.Write(authorization);
            await ExecAsync(c, tx, "INSERT INTO live_authorizations (id, document, created_at, revoked_at) VALUES (@id, @doc, @at, NULL);", cancellationToken,
                ("id", authorization.Id), ("doc", document), ("at", Ms(authorization.CreatedAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, document, authorization.CollectionId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.ResourceAlreadyExists, $"An authorization '{authorization.Id}' already exists."));

    public async Task<LiveAuthorization?> GetAuthorizationAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT id, document FROM live_authorizations WHERE id = @id;", ReadAuthorization, cancellationToken, ("id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<LiveAuthorization>> ListAuthorizationsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT id, document FROM live_authorizations ORDER BY created_at DESC, id;", ReadAuthorization, cancellationToken).ConfigureAwait(false);

    public Task<bool> RevokeAuthorizationAsync(AuditEntry audit, LiveAuthorization revoked, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            string document = AuthorizationDocument.Write(revoked);
            if (await ExecAsync(c, tx, "UPDATE live_authorizations SET document = @doc, revoked_at = @at WHERE id = @id AND revoked_at IS NULL;", cancellationToken,
                ("id", revoked.Id), ("doc", document), ("at", Ms(revoked.RevokedAt ?? DateTimeOffset.UtcNow))).ConfigureAwait(false) == 0)
                return false;
            await AppendAuditedAsync(c, tx, audit, document, revoked.CollectionId, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static LiveAuthorization ReadAuthorization(NpgsqlDataReader r) => AuthorizationDocument.Read(r.GetString(1), r.GetString(0));
}
