using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string KeyColumns = "id, role, salt, secret_hash, created_at, revoked_at, default_case, default_purpose, description";

    public Task AddKeyAsync(AuditEntry audit, StoredAccessKey key, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, $"INSERT INTO access_keys ({KeyColumns}) VALUES (@id, @role, @salt, @hash, @created, NULL, @case, @purpose, @description);", cancellationToken,
                ("id", key.AccessKeyId), ("role", key.Role), ("salt", key.Salt), ("hash", key.SecretHash), ("created", Ms(key.CreatedAt)),
                ("case", key.DefaultCase), ("purpose", key.DefaultPurpose), ("description", key.Description)).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, Ids([key.AccessKeyId, key.Role]), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.ResourceAlreadyExists, $"Access key {key.AccessKeyId} already exists."));

    public async Task<StoredAccessKey?> GetKeyAsync(string accessKeyId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {KeyColumns} FROM access_keys WHERE id = @id;", ReadKey, cancellationToken, ("id", accessKeyId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<StoredAccessKey>> ListKeysAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {KeyColumns} FROM access_keys ORDER BY created_at, id;", ReadKey, cancellationToken).ConfigureAwait(false);

    public Task<bool> RevokeKeyAsync(AuditEntry audit, string accessKeyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "UPDATE access_keys SET revoked_at = @t WHERE id = @id AND revoked_at IS NULL;", cancellationToken, ("id", accessKeyId), ("t", Ms(at))).ConfigureAwait(false) != 1)
                return false;
            await AppendAuditedAsync(c, tx, audit, Ids([accessKeyId]), null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static StoredAccessKey ReadKey(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3), FromUnixMs(r.GetInt64(4)), Time(r, 5),
        Text(r, 6), Text(r, 7), Text(r, 8));
}
