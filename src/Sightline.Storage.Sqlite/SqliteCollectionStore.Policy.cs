namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IPolicyStore
{
    public Policy GetPolicy()
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT key, value FROM policy;");
        using var r = cmd.ExecuteReader();
        var policy = Policy.Default;
        while (r.Read())
        {
            if (Policy.Keys.Contains(r.GetString(0)))
                policy = policy.With(r.GetString(0), r.GetString(1));
        }
        return policy;
    }

    public void SetPolicy(AuditEntry audit, string key, string value)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var cmd = Command(connection, "INSERT INTO policy (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", tx, ("$k", key), ("$v", value)))
            cmd.ExecuteNonQuery();
        CommitAudited(connection, tx, audit, System.Text.Json.JsonSerializer.Serialize(new[] { key, value }, AuditJson.Default.StringArray));
    }
}
