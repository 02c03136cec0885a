using System.Runtime.InteropServices;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// The PostgreSQL store: one <see cref="NpgsqlDataSource"/> (its own connection pool), every write one transaction
/// that is committed (and so durable, with the server's default <c>synchronous_commit</c>) when the call returns.
/// Several processes may share one database: the schema is migrated under an advisory lock and the audit chain's head
/// is row-locked for each append. Times are stored as bigint Unix milliseconds, as the SQLite store keeps them.
/// </summary>
public sealed partial class PostgresStore :
    ICollectionStore, IAccessKeyStore, IJobStore, IAuditStore, IPolicyStore, ILeadStore, IRetentionStore, IDetectorStore, IAlertStore, IHotlistStore, ICameraStore, IEventStore, IAuthorizationStore, IStreamProcessorStore, IWebSessionStore, IDisposable
{
    /// <summary>How many times a transaction that lost a serialization race or a deadlock is run again.</summary>
    private const int Attempts = 4;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly StoreSecrets _secrets;

    /// <summary>A store with its own connection pool, closed when the store is disposed.</summary>
    public PostgresStore(string connectionString, StoreSecrets secrets)
        : this(NpgsqlDataSource.Create(PostgresConnection.Normalise(connectionString)), secrets, ownsDataSource: true)
    {
    }

    /// <summary>
    /// A store on a pool its owner closes: the composition root registers the pool as its own singleton, so a
    /// container that disposes the store once for each contract it is registered under leaves the pool open until
    /// everything that uses the store (an index writing its last snapshot) has been disposed.
    /// </summary>
    internal PostgresStore(NpgsqlDataSource dataSource, StoreSecrets secrets, bool ownsDataSource)
    {
        _secrets = secrets;
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        try
        {
            using var connection = Open();
            PostgresMigrations.Apply(connection);
        }
        catch (Exception ex)
        {
            if (ownsDataSource)
                _dataSource.Dispose();
            var target = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            if (ex is NpgsqlException and not PostgresException || ex is PostgresException { SqlState: "28P01" or "28000" or "3D000" or "42501" })
                throw new SightlineException(ErrorKind.Internal,
                    $"Could not open the PostgreSQL database {target.Database} at {target.Host}:{target.Port} as {(string.IsNullOrEmpty(target.Username) ? "the default user" : target.Username)}: {ex.Message}", ex);
            throw;
        }
    }

    public void Dispose()
    {
        if (_ownsDataSource)
            _dataSource.Dispose();
    }

    private NpgsqlConnection Open() => _dataSource.OpenConnection();

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it; runs it again (from a fresh transaction) when
    /// the server aborted it as a serialization failure or deadlock victim, and turns integrity violations into
    /// <paramref name="violation"/> (as the SQLite store turns its constraint errors). Cancelled before the commit, the
    /// transaction is rolled back; a commit once started is not abandoned halfway.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken, Violation? violation = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                T result = await work(connection, tx).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException ex) when (PostgresErrors.IsRetryable(ex) && attempt < Attempts)
            {
                await Task.Delay(Random.Shared.Next(5, 20) * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (PostgresErrors.Translate(ex, violation) is { } translated)
            {
                throw translated;
            }
        }
    }

    private Task WriteAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken, Violation? violation = null) =>
        WriteAsync<bool>(async (c, tx) =>
        {
            await work(c, tx).ConfigureAwait(false);
            return true;
        }, cancellationToken, violation);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, Storable(value));
        return cmd;
    }

    /// <summary>
    /// A parameter's value as PostgreSQL takes it. Its text cannot hold U+0000, which SQLite stores; such a value
    /// could never have been stored here, so it is refused as the caller's mistake rather than failing in the server.
    /// </summary>
    internal static object Storable(object? value) =>
        value is string text && text.Contains('\0', StringComparison.Ordinal)
            ? throw SightlineException.InvalidParameter("A text value contains the NUL character (U+0000), which is not accepted.")
            : value ?? DBNull.Value;

    private static async Task<int> ExecAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, sql, tx, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, sql, tx, parameters);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One statement in its own transaction (retried as any write).</summary>
    private Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        WriteAsync((c, tx) => ExecAsync(c, tx, sql, cancellationToken, parameters), cancellationToken);

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, sql, null, parameters);
        return await ReadAllAsync(cmd, read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams one read's rows on its own connection.</summary>
    private async IAsyncEnumerable<T> StreamAsync<T>(string sql, Func<NpgsqlDataReader, T> read, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, sql, null, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // Rows already buffered are read without looking at the token: check it before each one.
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return read(r);
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<T>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            result.Add(read(r));
        return result;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : FromUnixMs(r.GetInt64(i));

    internal static byte[] ToBlob(float[] embedding) => MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();

    internal static float[] FromBlob(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static long? Ms(DateTimeOffset? t) => t?.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
