using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// Throw-away stores (evaluation runs) in a schema of their own in the configured database, dropped with everything
/// in it when disposed. The configured user needs CREATE on the database (its owner has it).
/// </summary>
internal sealed class PostgresScratchStores(string connectionString, StoreSecrets secrets) : IScratchStoreFactory
{
    public const string SchemaPrefix = "sightline_scratch_";

    public IScratchStore Create()
    {
        string schema = SchemaPrefix + Guid.NewGuid().ToString("N");
        Run($"CREATE SCHEMA {schema};");
        try
        {
            var store = new PostgresStore(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString, secrets);
            return new Scratch(this, schema, store);
        }
        catch
        {
            Run($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
            throw;
        }
    }

    private void Run(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }

    private sealed class Scratch(PostgresScratchStores owner, string schema, PostgresStore store) : IScratchStore
    {
        private int _disposed;

        public ICollectionStore Collections => store;

        public IRetentionStore Retention => store;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            store.Dispose();
            owner.Run($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        }
    }
}
