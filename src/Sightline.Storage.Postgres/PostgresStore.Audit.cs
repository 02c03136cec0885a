using System.Globalization;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// The audit log in the same database, so a change and its record commit together. Each append locks the chain's
/// head row first, so appenders in several processes take turns and each links to the record before it. The seal key
/// comes from <see cref="StoreSecrets"/> (outside the database): rewriting the chain after an edit cannot forge seals.
/// </summary>
public sealed partial class PostgresStore
{
    private const string AuditColumns = "seq, at, actor, role, operation, outcome, collection_id, case_id, purpose, threshold, probe, details, prev_hash, hash";

    private byte[] AuditKey => _secrets.AuditKey;

    public Task<long> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        WriteAsync((c, tx) => AppendAsync(c, tx, entry, cancellationToken), cancellationToken);

    /// <summary>Appends the audit record of the call a change serves to the change's transaction.</summary>
    private Task<long> AppendAuditedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry audit, string? details, string? collectionId, CancellationToken cancellationToken) =>
        AppendAsync(connection, tx, audit.Touching(details, collectionId), cancellationToken);

    private static string Ids(IEnumerable<string> ids) => System.Text.Json.JsonSerializer.Serialize(ids.ToArray(), PostgresJson.Default.StringArray);

    private async Task<long> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry entry, CancellationToken cancellationToken)
    {
        // The head row is the chain's lock: held until this transaction ends, so the next appender reads our record.
        await ExecAsync(connection, tx, "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE;", cancellationToken).ConfigureAwait(false);
        // The time is the database server's, read under the lock, so records of several processes are in time order too.
        long seq = 1, atMs;
        string prev = AuditChain.Genesis;
        await using (var last = Command(connection, """
            SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint, l.seq, l.hash
            FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS l ON true;
            """, tx))
        await using (var r = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await r.ReadAsync(cancellationToken).ConfigureAwait(false);
            atMs = r.GetInt64(0);
            if (!r.IsDBNull(1))
                (seq, prev) = (r.GetInt64(1) + 1, r.GetString(2));
        }
        var at = FromUnixMs(atMs);
        string hash = AuditChain.Hash(seq, at, entry, prev);
        string mac = AuditChain.Seal(AuditKey, seq, hash);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(BatchCommand($"INSERT INTO audit_log ({AuditColumns}) VALUES (@seq, @at, @actor, @role, @op, @outcome, @c, @case, @purpose, @t, @probe, @details, @prev, @hash);",
            ("seq", seq), ("at", Ms(at)), ("actor", entry.Actor), ("role", entry.Role), ("op", entry.Operation), ("outcome", entry.Outcome),
            ("c", entry.CollectionId), ("case", entry.Case), ("purpose", entry.Purpose), ("t", AuditChain.ThresholdText(entry.Threshold)), ("probe", entry.Probe),
            ("details", entry.Details), ("prev", prev), ("hash", hash)));
        batch.BatchCommands.Add(BatchCommand("UPDATE audit_head SET seq = @seq, hash = @hash, mac = @mac WHERE id = 1;", ("seq", seq), ("hash", hash), ("mac", mac)));
        if (seq % AuditChain.SealEvery == 0)
            batch.BatchCommands.Add(BatchCommand("INSERT INTO audit_seals (seq, hash, mac) VALUES (@seq, @hash, @mac);", ("seq", seq), ("hash", hash), ("mac", mac)));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return seq;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, Storable(value));
        return cmd;
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {AuditColumns} FROM audit_log WHERE seq > @after ORDER BY seq LIMIT @limit;", ReadAuditRow, cancellationToken, ("after", afterSeq), ("limit", limit)).ConfigureAwait(false);

    public async Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery q, CancellationToken cancellationToken) =>
        await QueryAsync($"""
            SELECT {AuditColumns} FROM audit_log
            WHERE (@actor::text IS NULL OR actor = @actor) AND (@case::text IS NULL OR case_id = @case) AND (@operation::text IS NULL OR operation = @operation)
                AND (@before::bigint IS NULL OR seq < @before) AND (@from::bigint IS NULL OR at >= @from) AND (@to::bigint IS NULL OR at < @to)
            ORDER BY seq DESC LIMIT @limit;
            """, ReadAuditRow, cancellationToken, ("actor", q.Actor), ("case", q.Case), ("operation", q.Operation), ("before", q.BeforeSeq),
            ("from", Ms(q.From)), ("to", Ms(q.To)), ("limit", q.Limit)).ConfigureAwait(false);

    public IAsyncEnumerable<AuditRecord> ReadAuditBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        StreamAsync($"SELECT {AuditColumns} FROM audit_log WHERE at >= @from AND at < @to ORDER BY seq;", ReadAuditRow, cancellationToken, ("from", Ms(from)), ("to", Ms(to)));

    public async Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for the seals, the head and the records, however many appends run meanwhile.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var seals = new Dictionary<long, (string Hash, string Mac)>();
        await using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_seals;", tx))
        {
            foreach (var (seq, hash, mac) in await ReadAllAsync(cmd, r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false))
                seals[seq] = (hash, mac);
        }
        (long Seq, string Hash, string Mac)? head = null;
        await using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_head WHERE id = 1 AND seq > 0;", tx))
        {
            foreach (var h in await ReadAllAsync(cmd, r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false))
                head = h;
        }
        var chain = new AuditChainCheck(AuditKey, seals);
        await using (var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log ORDER BY seq;", tx))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (chain.Next(ReadAuditRow(r)) is { } broken)
                    return broken;
            }
        }
        return chain.End(head);
    }

    private static AuditRecord ReadAuditRow(NpgsqlDataReader r)
    {
        var entry = new AuditEntry(r.GetString(2), r.GetString(3), r.GetString(4))
        {
            Outcome = r.GetString(5),
            CollectionId = Text(r, 6),
            Case = Text(r, 7),
            Purpose = Text(r, 8),
            Threshold = Text(r, 9) is { } t ? float.Parse(t, CultureInfo.InvariantCulture) : null,
            Probe = Text(r, 10),
            Details = Text(r, 11),
        };
        return new AuditRecord(r.GetInt64(0), FromUnixMs(r.GetInt64(1)), entry, r.GetString(12), r.GetString(13));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(RetentionDetails))]
[System.Text.Json.Serialization.JsonSerializable(typeof(FaceDeletionDetails))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class PostgresJson : System.Text.Json.Serialization.JsonSerializerContext;
