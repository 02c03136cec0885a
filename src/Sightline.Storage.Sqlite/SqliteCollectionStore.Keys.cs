using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    private const string KeyColumns = "id, role, salt, secret_hash, created_at, revoked_at, default_case, default_purpose, description";

    public async Task AddKeyAsync(AuditEntry audit, StoredAccessKey key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, $"INSERT INTO access_keys ({KeyColumns}) VALUES ($id, $role, $salt, $hash, $created, NULL, $case, $purpose, $description);", cancellationToken,
                ("$id", key.AccessKeyId), ("$role", key.Role), ("$salt", key.Salt), ("$hash", key.SecretHash), ("$created", key.CreatedAt.ToUnixTimeMilliseconds()),
                ("$case", key.DefaultCase), ("$purpose", key.DefaultPurpose), ("$description", key.Description)).ConfigureAwait(false);
            await CommitAuditedAsync(connection, tx, audit, Ids([key.AccessKeyId, key.Role]), null, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"Access key {key.AccessKeyId} already exists.", ex);
        }
    }

    public async Task<StoredAccessKey?> GetKeyAsync(string accessKeyId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {KeyColumns} FROM access_keys WHERE id = $id;", ReadKey, cancellationToken, ("$id", accessKeyId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<StoredAccessKey>> ListKeysAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {KeyColumns} FROM access_keys ORDER BY created_at, id;", ReadKey, cancellationToken).ConfigureAwait(false);

    public async Task<bool> RevokeKeyAsync(AuditEntry audit, string accessKeyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "UPDATE access_keys SET revoked_at = $t WHERE id = $id AND revoked_at IS NULL;", cancellationToken,
            ("$id", accessKeyId), ("$t", at.ToUnixTimeMilliseconds())).ConfigureAwait(false) != 1)
            return false;
        await CommitAuditedAsync(connection, tx, audit, Ids([accessKeyId]), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static StoredAccessKey ReadKey(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), (byte[])r[2], (byte[])r[3], FromUnixMs(r.GetInt64(4)),
        r.IsDBNull(5) ? null : FromUnixMs(r.GetInt64(5)),
        Text(r, 6), Text(r, 7), Text(r, 8));
}
