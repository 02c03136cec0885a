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

    protected override void Tamper(string database, string sql) =>
        Execute(database, "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; " + sql);

    protected override void ExecuteAsStore(string database, string sql) => Execute(database, sql);

    private static void Execute(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
