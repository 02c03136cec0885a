using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Storage.Sqlite;

namespace Sightline.Storage.Tests;

/// <summary>The store contract on the embedded SQLite provider: a database file per test.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-sqlite-contract-").FullName;

    protected override string NewDatabase() => Path.Combine(_dir, SqliteCollectionStore.FileName);

    protected override void AddStorage(IServiceCollection services, string database) => services.AddSqliteStorage(database);

    protected override void AddFileStore(IServiceCollection services, string directory) => services.AddLocalFileStore(directory);

    protected override void Tamper(string database, string sql) =>
        Execute(database, "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; " + sql);

    protected override void ExecuteAsStore(string database, string sql) => Execute(database, sql);

    protected override long CountAsStore(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task Stores_opening_a_fresh_file_at_once_migrate_it_once_and_all_open()
    {
        // A server and CLI commands started together on a new data directory: each step is applied by one of them.
        string database = Path.Combine(_dir, "fresh", SqliteCollectionStore.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var secrets = new StoreSecrets(Path.Combine(_dir, "fresh-secrets"));
        using var start = new Barrier(4);
        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return new SqliteCollectionStore(database, secrets);
        })));
        foreach (var store in opened)
            store.Dispose();
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version;";
        Assert.Equal(SqliteCollectionStore.SchemaVersion, Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
