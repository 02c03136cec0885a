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

    public long AppendAudit(AuditEntry entry) => Write((c, tx) => Append(c, tx, entry));

    /// <summary>Appends the audit record of the call a change serves to the change's transaction.</summary>
    private void AppendAudited(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry audit, string? details = null, string? collectionId = null) =>
        Append(connection, tx, audit.Touching(details, collectionId));

    private static string Ids(IEnumerable<string> ids) => System.Text.Json.JsonSerializer.Serialize(ids.ToArray(), PostgresJson.Default.StringArray);

    private long Append(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry entry)
    {
        // The head row is the chain's lock: held until this transaction ends, so the next appender reads our record.
        using (var head = Command(connection, "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE;", tx))
            head.ExecuteNonQuery();
        // The time is the database server's, read under the lock, so records of several processes are in time order too.
        long seq = 1, atMs;
        string prev = AuditChain.Genesis;
        using (var last = Command(connection, """
            SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint, l.seq, l.hash
            FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS l ON true;
            """, tx))
        using (var r = last.ExecuteReader())
        {
            r.Read();
            atMs = r.GetInt64(0);
            if (!r.IsDBNull(1))
                (seq, prev) = (r.GetInt64(1) + 1, r.GetString(2));
        }
        var at = FromUnixMs(atMs);
        string hash = AuditChain.Hash(seq, at, entry, prev);
        string mac = AuditChain.Seal(AuditKey, seq, hash);
        using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(BatchCommand($"INSERT INTO audit_log ({AuditColumns}) VALUES (@seq, @at, @actor, @role, @op, @outcome, @c, @case, @purpose, @t, @probe, @details, @prev, @hash);",
            ("seq", seq), ("at", Ms(at)), ("actor", entry.Actor), ("role", entry.Role), ("op", entry.Operation), ("outcome", entry.Outcome),
            ("c", entry.CollectionId), ("case", entry.Case), ("purpose", entry.Purpose), ("t", AuditChain.ThresholdText(entry.Threshold)), ("probe", entry.Probe),
            ("details", entry.Details), ("prev", prev), ("hash", hash)));
        batch.BatchCommands.Add(BatchCommand("UPDATE audit_head SET seq = @seq, hash = @hash, mac = @mac WHERE id = 1;", ("seq", seq), ("hash", hash), ("mac", mac)));
        if (seq % AuditChain.SealEvery == 0)
            batch.BatchCommands.Add(BatchCommand("INSERT INTO audit_seals (seq, hash, mac) VALUES (@seq, @hash, @mac);", ("seq", seq), ("hash", hash), ("mac", mac)));
        batch.ExecuteNonQuery();
        return seq;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    public IReadOnlyList<AuditRecord> ReadAudit(long afterSeq, int limit) =>
        Query($"SELECT {AuditColumns} FROM audit_log WHERE seq > @after ORDER BY seq LIMIT @limit;", ReadAuditRow, ("after", afterSeq), ("limit", limit));

    public IEnumerable<AuditRecord> ReadAuditBetween(DateTimeOffset from, DateTimeOffset to)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log WHERE at >= @from AND at < @to ORDER BY seq;", null, ("from", Ms(from)), ("to", Ms(to)));
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return ReadAuditRow(r);
    }

    public AuditVerification VerifyAudit()
    {
        using var connection = Open();
        // One snapshot for the seals, the head and the records, however many appends run meanwhile.
        using var tx = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        var seals = new Dictionary<long, (string Hash, string Mac)>();
        using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_seals;", tx))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
                seals[r.GetInt64(0)] = (r.GetString(1), r.GetString(2));
        }
        (long Seq, string Hash, string Mac)? head = null;
        using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_head WHERE id = 1 AND seq > 0;", tx))
        using (var r = cmd.ExecuteReader())
        {
            if (r.Read())
                head = (r.GetInt64(0), r.GetString(1), r.GetString(2));
        }
        var chain = new AuditChainCheck(AuditKey, seals);
        using (var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log ORDER BY seq;", tx))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
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
