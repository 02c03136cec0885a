using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// The audit log in the same database, so a change and its record commit together. The seal key comes
/// from <see cref="StoreSecrets"/> (a file outside the database): rewriting the chain after
/// an edit cannot forge the seals.
/// </summary>
public sealed partial class SqliteCollectionStore : IAuditStore
{
    private const string AuditColumns = "seq, at, actor, role, operation, outcome, collection_id, case_id, purpose, threshold, probe, details, prev_hash, hash";
    private byte[] AuditKey => _secrets.AuditKey;

    public async Task<long> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        long seq = await AppendAsync(connection, tx, entry, cancellationToken).ConfigureAwait(false);
        await CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        return seq;
    }

    /// <summary>Commits a change together with the audit record of the call it serves.</summary>
    private async Task CommitAuditedAsync(SqliteConnection connection, SqliteTransaction tx, AuditEntry audit, string? details, string? collectionId, CancellationToken cancellationToken)
    {
        await AppendAsync(connection, tx, audit.Touching(details, collectionId), cancellationToken).ConfigureAwait(false);
        await CommitAsync(tx, cancellationToken).ConfigureAwait(false);
    }

    private static string Ids(IEnumerable<string> ids) => System.Text.Json.JsonSerializer.Serialize(ids.ToArray(), AuditJson.Default.StringArray);

    private async Task<long> AppendAsync(SqliteConnection connection, SqliteTransaction tx, AuditEntry entry, CancellationToken cancellationToken)
    {
        long seq = 1;
        string prev = AuditChain.Genesis;
        await using (var last = Command(connection, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1;", tx))
        await using (var r = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                (seq, prev) = (r.GetInt64(0) + 1, r.GetString(1));
        }
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        string hash = AuditChain.Hash(seq, at, entry, prev);
        await ExecAsync(connection, tx, $"INSERT INTO audit_log ({AuditColumns}) VALUES ($seq, $at, $actor, $role, $op, $outcome, $c, $case, $purpose, $t, $probe, $details, $prev, $hash);", cancellationToken,
            ("$seq", seq), ("$at", at.ToUnixTimeMilliseconds()), ("$actor", entry.Actor), ("$role", entry.Role), ("$op", entry.Operation), ("$outcome", entry.Outcome),
            ("$c", entry.CollectionId), ("$case", entry.Case), ("$purpose", entry.Purpose), ("$t", AuditChain.ThresholdText(entry.Threshold)), ("$probe", entry.Probe),
            ("$details", entry.Details), ("$prev", prev), ("$hash", hash)).ConfigureAwait(false);
        string mac = AuditChain.Seal(AuditKey, seq, hash);
        await ExecAsync(connection, tx, "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $seq, $hash, $mac) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac;", cancellationToken,
            ("$seq", seq), ("$hash", hash), ("$mac", mac)).ConfigureAwait(false);
        if (seq % AuditChain.SealEvery == 0)
            await ExecAsync(connection, tx, "INSERT INTO audit_seals (seq, hash, mac) VALUES ($seq, $hash, $mac);", cancellationToken, ("$seq", seq), ("$hash", hash), ("$mac", mac)).ConfigureAwait(false);
        return seq;
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {AuditColumns} FROM audit_log WHERE seq > $after ORDER BY seq LIMIT $limit;", ReadAuditRow, cancellationToken, ("$after", afterSeq), ("$limit", limit)).ConfigureAwait(false);

    public async Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery q, CancellationToken cancellationToken) =>
        await QueryAsync($"""
            SELECT {AuditColumns} FROM audit_log
            WHERE ($actor IS NULL OR actor = $actor) AND ($case IS NULL OR case_id = $case) AND ($operation IS NULL OR operation = $operation) AND ($before IS NULL OR seq < $before)
                AND ($from IS NULL OR at >= $from) AND ($to IS NULL OR at < $to)
            ORDER BY seq DESC LIMIT $limit;
            """, ReadAuditRow, cancellationToken, ("$actor", q.Actor), ("$case", q.Case), ("$operation", q.Operation), ("$before", q.BeforeSeq),
            ("$from", q.From?.ToUnixTimeMilliseconds()), ("$to", q.To?.ToUnixTimeMilliseconds()), ("$limit", q.Limit)).ConfigureAwait(false);

    public async IAsyncEnumerable<AuditRecord> ReadAuditBetweenAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log WHERE at >= $from AND at < $to ORDER BY seq;", null,
            ("$from", from.ToUnixTimeMilliseconds()), ("$to", to.ToUnixTimeMilliseconds()));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadAuditRow(r);
        }
    }

    public async Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var seals = new Dictionary<long, (string Hash, string Mac)>();
        await using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_seals;"))
        {
            foreach (var (seq, hash, mac) in await ReadAllAsync(cmd, r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false))
                seals[seq] = (hash, mac);
        }
        (long Seq, string Hash, string Mac)? head = null;
        await using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_head WHERE id = 1;"))
        {
            foreach (var h in await ReadAllAsync(cmd, r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false))
                head = h;
        }
        var chain = new AuditChainCheck(AuditKey, seals);
        await using (var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log ORDER BY rowid;"))
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

    private static AuditRecord ReadAuditRow(SqliteDataReader r)
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
internal sealed partial class AuditJson : System.Text.Json.Serialization.JsonSerializerContext;
