using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// One PostgreSQL notification channel (NOTIFY/LISTEN) shared by the nodes of a cluster: a node sends small text
/// messages that every node listening on the same database receives, in commit order, within milliseconds. Nothing is
/// kept: a node that is not listening when a message is sent never sees it.
/// </summary>
public sealed class PostgresChannel : IAsyncDisposable
{
    /// <summary>PostgreSQL refuses a payload of 8000 bytes or more (in the server's encoding; UTF-8 here).</summary>
    public const int MaxPayloadBytes = 7999;

    /// <summary>Identifiers longer than this are cut by the server (NAMEDATALEN - 1).</summary>
    private const int MaxNameBytes = 63;

    /// <summary>How long a listener waits for a message before it checks that its connection is still alive.</summary>
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _source;

    /// <summary>The sender's own connection, kept open: a message does not wait for a connection to be opened (~0.3 s measured on a busy machine).</summary>
    private NpgsqlConnection? _sender;

    /// <param name="source">The store's connection pool: the channel holds two of its connections (one sends, one listens).</param>
    public PostgresChannel(NpgsqlDataSource source, string name)
    {
        _source = source;
        Name = Encoding.UTF8.GetByteCount(name) <= MaxNameBytes ? name
            : string.Concat(name.AsSpan(0, 20), "_", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name))).AsSpan(0, 40));
    }

    /// <summary>The channel's name as the server knows it (a long name is shortened with its hash).</summary>
    public string Name { get; }

    /// <summary>Opens the sending connection ahead of the first message.</summary>
    public async Task OpenSenderAsync(CancellationToken ct) => _sender ??= await _source.OpenConnectionAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// Sends <paramref name="payload"/> (at most <see cref="MaxPayloadBytes"/> bytes) to every listener, this node's
    /// included. One caller at a time (the sending connection is not shared); a connection that failed is opened again
    /// for the next message.
    /// </summary>
    public async Task NotifyAsync(string payload, CancellationToken ct)
    {
        var connection = _sender ??= await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_notify(@channel, @payload);", connection);
            cmd.Parameters.AddWithValue("channel", Name);
            cmd.Parameters.AddWithValue("payload", payload);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException or OperationCanceledException)
        {
            _sender = null;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Listens on one dedicated connection and hands each payload to <paramref name="received"/> (on the connection's
    /// reading thread: it must not block) until <paramref name="ct"/> is cancelled. <paramref name="listening"/> is
    /// called once the server has registered the listener. Throws when the connection fails; the caller listens again.
    /// </summary>
    public async Task ListenAsync(Action<string> received, Action listening, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        connection.Notification += (_, e) => received(e.Payload);
        // The name is quoted as an identifier: it holds no double quote (a cluster id is letters, digits, '.', '_', '-').
        await using (var listen = new NpgsqlCommand($"LISTEN \"{Name}\";", connection))
            await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        listening();
        await using var probe = new NpgsqlCommand("SELECT 1;", connection);
        while (true)
        {
            // A quiet connection is probed: one that died without a word (a dropped network) is found within the interval.
            if (!await connection.WaitAsync(s_probeInterval, ct).ConfigureAwait(false))
                await probe.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sender is { } sender)
            await sender.DisposeAsync().ConfigureAwait(false);
    }
}
