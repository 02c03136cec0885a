namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<Policy> GetPolicyAsync(CancellationToken cancellationToken)
    {
        var policy = Policy.Default;
        foreach (var (key, value) in await QueryAsync("SELECT key, value FROM policy ORDER BY key;", r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false))
        {
            if (Policy.Keys.Contains(key))
                policy = policy.With(key, value);
        }
        return policy;
    }

    public Task SetPolicyAsync(AuditEntry audit, string key, string value, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "INSERT INTO policy (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", cancellationToken, ("k", key), ("v", value)).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, Ids([key, value]), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
