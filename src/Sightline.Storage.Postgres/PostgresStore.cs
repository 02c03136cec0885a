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
    ICollectionStore, IAccessKeyStore, IJobStore, IAuditStore, IPolicyStore, ILeadStore, IRetentionStore, IDetectorStore, IAlertStore, IHotlistStore, IDisposable
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

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it; runs it again (from a fresh transaction) when
    /// the server aborted it as a serialization failure or deadlock victim, and turns integrity violations into
    /// <paramref name="violation"/> (as the SQLite store turns its constraint errors).
    /// </summary>
    private T Write<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work, Violation? violation = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = Open();
                using var tx = connection.BeginTransaction();
                T result = work(connection, tx);
                tx.Commit();
                return result;
            }
            catch (PostgresException ex) when (PostgresErrors.IsRetryable(ex) && attempt < Attempts)
            {
                Thread.Sleep(Random.Shared.Next(5, 20) * attempt);
            }
            catch (PostgresException ex) when (PostgresErrors.Translate(ex, violation) is { } translated)
            {
                throw translated;
            }
        }
    }

    private void Write(Action<NpgsqlConnection, NpgsqlTransaction> work, Violation? violation = null) =>
        Write<bool>((c, tx) =>
        {
            work(c, tx);
            return true;
        }, violation);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, sql, tx, parameters);
            return cmd.ExecuteNonQuery();
        });

    private List<T> Query<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var cmd = Command(connection, sql, null, parameters);
        return ReadAll(cmd, read);
    }

    private static List<T> ReadAll<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> read)
    {
        using var r = cmd.ExecuteReader();
        var result = new List<T>();
        while (r.Read())
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
