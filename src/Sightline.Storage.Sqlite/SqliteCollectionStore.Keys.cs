using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore
{
    private const string KeyColumns = "id, role, salt, secret_hash, created_at, revoked_at, default_case, default_purpose, description";

    public void AddKey(AuditEntry audit, StoredAccessKey key)
    {
        using var connection = Open();
        try
        {
            using var tx = connection.BeginTransaction();
            using var cmd = Command(connection, $"INSERT INTO access_keys ({KeyColumns}) VALUES ($id, $role, $salt, $hash, $created, NULL, $case, $purpose, $description);", tx,
                ("$id", key.AccessKeyId), ("$role", key.Role), ("$salt", key.Salt), ("$hash", key.SecretHash), ("$created", key.CreatedAt.ToUnixTimeMilliseconds()),
                ("$case", key.DefaultCase), ("$purpose", key.DefaultPurpose), ("$description", key.Description));
            cmd.ExecuteNonQuery();
            CommitAudited(connection, tx, audit, Ids([key.AccessKeyId, key.Role]));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"Access key {key.AccessKeyId} already exists.", ex);
        }
    }

    public StoredAccessKey? GetKey(string accessKeyId)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {KeyColumns} FROM access_keys WHERE id = $id;", null, ("$id", accessKeyId));
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadKey(reader) : null;
    }

    public IReadOnlyList<StoredAccessKey> ListKeys()
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {KeyColumns} FROM access_keys ORDER BY created_at, id;");
        using var reader = cmd.ExecuteReader();
        var keys = new List<StoredAccessKey>();
        while (reader.Read())
            keys.Add(ReadKey(reader));
        return keys;
    }

    public bool RevokeKey(AuditEntry audit, string accessKeyId, DateTimeOffset at)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, "UPDATE access_keys SET revoked_at = $t WHERE id = $id AND revoked_at IS NULL;", tx,
            ("$id", accessKeyId), ("$t", at.ToUnixTimeMilliseconds()));
        if (cmd.ExecuteNonQuery() != 1)
            return false;
        CommitAudited(connection, tx, audit, Ids([accessKeyId]));
        return true;
    }

    private static StoredAccessKey ReadKey(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), (byte[])r[2], (byte[])r[3], FromUnixMs(r.GetInt64(4)),
        r.IsDBNull(5) ? null : FromUnixMs(r.GetInt64(5)),
        r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8));
}
