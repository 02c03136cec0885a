using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// Throw-away stores (evaluation runs) in a schema of their own in the configured database, dropped with everything
/// in it when disposed. The configured user needs CREATE on the database (its owner has it).
/// </summary>
internal sealed class PostgresScratchStores(string connectionString, StoreSecrets secrets) : IScratchStoreFactory
{
    public const string SchemaPrefix = "sightline_scratch_";

    public async Task<IScratchStore> CreateAsync(CancellationToken cancellationToken)
    {
        string schema = SchemaPrefix + Guid.NewGuid().ToString("N");
        await RunAsync($"CREATE SCHEMA {schema};", cancellationToken).ConfigureAwait(false);
        try
        {
            // The store migrates its schema as it is built (synchronously, as the container builds stores).
            var store = new PostgresStore(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString, secrets);
            return new Scratch(this, schema, store);
        }
        catch
        {
            await RunAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Scratch(PostgresScratchStores owner, string schema, PostgresStore store) : IScratchStore
    {
        private int _disposed;

        public ICollectionStore Collections => store;

        public IRetentionStore Retention => store;

        /// <summary>Drops the schema; not cancelled, so a finished run never leaves its schema behind.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            store.Dispose();
            await owner.RunAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;", CancellationToken.None).ConfigureAwait(false);
        }
    }
}
