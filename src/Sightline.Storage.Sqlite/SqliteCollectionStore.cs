using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a write that returned
/// is on disk and survives a kill at any moment. Connections come from the provider's pool; each call opens one.
/// Disposing the store releases its own pooled connections (and no other store's).
/// </summary>
public sealed partial class SqliteCollectionStore : ICollectionStore, IAccessKeyStore, IDisposable
{
    public const string FileName = "sightline.db";

    /// <summary>The schema version this build migrates a database to (SQLite's user_version).</summary>
    public static int SchemaVersion => SqliteMigrations.Latest;

    private readonly string _connectionString;
    private readonly StoreSecrets _secrets;

    public SqliteCollectionStore(string databasePath, StoreSecrets secrets)
    {
        _secrets = secrets;
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        // Construction is synchronous (the container builds the store): the file is opened and migrated here, once.
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
        SqliteMigrations.Apply(connection);
    }

    public string DatabasePath { get; }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Opens a pooled connection with the per-connection settings (durable commits, foreign keys, busy wait).</summary>
    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, null, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A write transaction (BEGIN IMMEDIATE: writers take turns from its start).</summary>
    private static async Task<SqliteTransaction> BeginAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Commits unless the call was cancelled first (then the transaction is rolled back when disposed); a commit once
    /// started is not abandoned halfway.
    /// </summary>
    private static async Task CommitAsync(SqliteTransaction tx, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static async Task<int> ExecAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, sql, tx, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, sql, tx, parameters);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<T>> ReadAllAsync<T>(SqliteCommand cmd, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<T>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            result.Add(read(r));
        return result;
    }

    /// <summary>One read on its own connection.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, sql, null, parameters);
        return await ReadAllAsync(cmd, read, cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    internal static byte[] ToBlob(float[] embedding) => MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();

    internal static float[] FromBlob(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();

    private static DateTimeOffset FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
