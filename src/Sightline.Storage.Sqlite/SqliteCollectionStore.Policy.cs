namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IPolicyStore
{
    public async Task<Policy> GetPolicyAsync(CancellationToken cancellationToken)
    {
        var policy = Policy.Default;
        foreach (var (key, value) in await QueryAsync("SELECT key, value FROM policy;", r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false))
        {
            if (Policy.Keys.Contains(key))
                policy = policy.With(key, value);
        }
        return policy;
    }

    public async Task SetPolicyAsync(AuditEntry audit, string key, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, tx, "INSERT INTO policy (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", cancellationToken, ("$k", key), ("$v", value)).ConfigureAwait(false);
        await CommitAuditedAsync(connection, tx, audit, Ids([key, value]), null, cancellationToken).ConfigureAwait(false);
    }
}
