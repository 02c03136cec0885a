using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IAuthorizationStore
{
    public async Task AddAuthorizationAsync(AuditEntry audit, LiveAuthorization authorization, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        string document = AuthorizationDocument.Write(authorization);
        try
        {
            await ExecAsync(connection, tx, "INSERT INTO live_authorizations (id, document, created_at, revoked_at) VALUES ($id, $doc, $at, NULL);", cancellationToken,
                ("$id", authorization.Id), ("$doc", document), ("$at", authorization.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"An authorization '{authorization.Id}' already exists.", ex);
        }
        await CommitAuditedAsync(connection, tx, audit, document, authorization.CollectionId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LiveAuthorization?> GetAuthorizationAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT id, document FROM live_authorizations WHERE id = $id;", ReadAuthorization, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<LiveAuthorization>> ListAuthorizationsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT id, document FROM live_authorizations ORDER BY created_at DESC, id;", ReadAuthorization, cancellationToken).ConfigureAwait(false);

    public async Task<bool> RevokeAuthorizationAsync(AuditEntry audit, LiveAuthorization revoked, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        string document = AuthorizationDocument.Write(revoked);
        if (await ExecAsync(connection, tx, "UPDATE live_authorizations SET document = $doc, revoked_at = $at WHERE id = $id AND revoked_at IS NULL;", cancellationToken,
            ("$id", revoked.Id), ("$doc", document), ("$at", (revoked.RevokedAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds())).ConfigureAwait(false) == 0)
            return false;
        await CommitAuditedAsync(connection, tx, audit, document, revoked.CollectionId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static LiveAuthorization ReadAuthorization(SqliteDataReader r) => AuthorizationDocument.Read(r.GetString(1), r.GetString(0));
}
