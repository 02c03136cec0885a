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

    public void SetPolicy(string key, string value)
    {
        string normalised = Policy.Default.With(key, value).ValueOf(key); // validates
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var cmd = Command(connection, "INSERT INTO policy (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", tx, ("$k", key), ("$v", normalised)))
            cmd.ExecuteNonQuery();
        CommitAudited(connection, tx, System.Text.Json.JsonSerializer.Serialize(new[] { key, normalised }, AuditJson.Default.StringArray));
    }
}
