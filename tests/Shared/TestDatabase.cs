using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sightline.Hosting;

namespace Sightline.Tests;

/// <summary>
/// The database the tests' cores, CLI runs and servers use. By default each test's data directory holds its own
/// embedded SQLite file. With <c>SIGHTLINE_TEST_DATABASE=postgresql</c> (how <c>./scripts/test.sh</c> runs the storage
/// tests a second time) each data directory gets its own database on one throw-away PostgreSQL server per test
/// process, and its keys are provisioned once, as an operator does for a shared database.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "SIGHTLINE_TEST_DATABASE";

    private static readonly Lazy<PostgresServer> s_server = new(() =>
    {
        SweepAbandoned();
        var server = new PostgresServer();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    /// <summary>
    /// Deletes the directories of earlier test servers that are no longer running (a test process may be ended before
    /// its exit handler has removed its own), so repeated runs do not fill the temporary directory.
    /// </summary>
    private static void SweepAbandoned()
    {
        foreach (var dir in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories("sightline-pg-*"))
        {
            if (DateTime.UtcNow - dir.CreationTimeUtc < TimeSpan.FromMinutes(30) || File.Exists(Path.Combine(dir.FullName, "data", "postmaster.pid")))
                continue;
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public static bool IsPostgres => Environment.GetEnvironmentVariable(Variable) switch
    {
        null or "" or "sqlite" => false,
        "postgresql" => true,
        string other => throw new InvalidOperationException($"{Variable}={other}: use sqlite or postgresql."),
    };

    public static string Provider => IsPostgres ? "postgresql" : "sqlite";

    /// <summary>The <c>--database</c> value for <paramref name="dataDirectory"/>: null (the embedded default) unless the tests run on PostgreSQL.</summary>
    public static string? For(string dataDirectory)
    {
        if (!IsPostgres)
            return null;
        string full = Path.GetFullPath(dataDirectory);
        SightlineSecrets.Provision(Path.Combine(full, "secrets"));
        return s_server.Value.CreateDatabase("t_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)).AsSpan(0, 12)));
    }

    /// <summary>Runs SQL written for both providers against the database of <paramref name="dataDirectory"/> (as its owner, so only what the schema allows).</summary>
    public static void Execute(string dataDirectory, string sql) => Scalar(dataDirectory, sql, sql);

    /// <summary>One value from the database of <paramref name="dataDirectory"/>, with the SQL each provider needs.</summary>
    public static object? Scalar(string dataDirectory, string sqliteSql, string postgresSql)
    {
        if (For(dataDirectory) is { } connectionString)
        {
            using var pg = new NpgsqlConnection(connectionString);
            pg.Open();
            using var command = new NpgsqlCommand(postgresSql, pg);
            return command.ExecuteScalar();
        }
        using var sqlite = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "sightline.db")};Pooling=false");
        sqlite.Open();
        using var cmd = sqlite.CreateCommand();
        cmd.CommandText = sqliteSql;
        return cmd.ExecuteScalar();
    }
}
