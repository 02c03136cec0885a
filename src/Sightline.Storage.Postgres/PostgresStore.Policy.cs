namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    public Policy GetPolicy()
    {
        var policy = Policy.Default;
        foreach (var (key, value) in Query("SELECT key, value FROM policy ORDER BY key;", r => (r.GetString(0), r.GetString(1))))
        {
            if (Policy.Keys.Contains(key))
                policy = policy.With(key, value);
        }
        return policy;
    }

    public void SetPolicy(AuditEntry audit, string key, string value) =>
        Write((c, tx) =>
        {
            using (var cmd = Command(c, "INSERT INTO policy (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", tx, ("k", key), ("v", value)))
                cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, Ids([key, value]));
        });
}
