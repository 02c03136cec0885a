using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string KeyColumns = "id, role, salt, secret_hash, created_at, revoked_at, default_case, default_purpose, description";

    public void AddKey(AuditEntry audit, StoredAccessKey key) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, $"INSERT INTO access_keys ({KeyColumns}) VALUES (@id, @role, @salt, @hash, @created, NULL, @case, @purpose, @description);", tx,
                ("id", key.AccessKeyId), ("role", key.Role), ("salt", key.Salt), ("hash", key.SecretHash), ("created", Ms(key.CreatedAt)),
                ("case", key.DefaultCase), ("purpose", key.DefaultPurpose), ("description", key.Description));
            cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, Ids([key.AccessKeyId, key.Role]));
        }, new Violation(ErrorKind.ResourceAlreadyExists, $"Access key {key.AccessKeyId} already exists."));

    public StoredAccessKey? GetKey(string accessKeyId) =>
        Query($"SELECT {KeyColumns} FROM access_keys WHERE id = @id;", ReadKey, ("id", accessKeyId)).FirstOrDefault();

    public IReadOnlyList<StoredAccessKey> ListKeys() => Query($"SELECT {KeyColumns} FROM access_keys ORDER BY created_at, id;", ReadKey);

    public bool RevokeKey(AuditEntry audit, string accessKeyId, DateTimeOffset at) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, "UPDATE access_keys SET revoked_at = @t WHERE id = @id AND revoked_at IS NULL;", tx, ("id", accessKeyId), ("t", Ms(at)));
            if (cmd.ExecuteNonQuery() != 1)
                return false;
            AppendAudited(c, tx, audit, Ids([accessKeyId]));
            return true;
        });

    private static StoredAccessKey ReadKey(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3), FromUnixMs(r.GetInt64(4)), Time(r, 5),
        Text(r, 6), Text(r, 7), Text(r, 8));
}
