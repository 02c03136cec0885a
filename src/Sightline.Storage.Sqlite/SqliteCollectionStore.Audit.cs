using System.Globalization;
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

    public long AppendAudit(AuditEntry entry)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        long seq = Append(connection, tx, entry);
        tx.Commit();
        return seq;
    }

    /// <summary>Commits a change together with the audit record of the call it serves.</summary>
    private void CommitAudited(SqliteConnection connection, SqliteTransaction tx, AuditEntry audit, string? details = null, string? collectionId = null)
    {
        Append(connection, tx, audit.Touching(details, collectionId));
        tx.Commit();
    }

    private static string Ids(IEnumerable<string> ids) => System.Text.Json.JsonSerializer.Serialize(ids.ToArray(), AuditJson.Default.StringArray);

    private long Append(SqliteConnection connection, SqliteTransaction tx, AuditEntry entry)
    {
        long seq = 1;
        string prev = AuditChain.Genesis;
        using (var last = Command(connection, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1;", tx))
        using (var r = last.ExecuteReader())
        {
            if (r.Read())
                (seq, prev) = (r.GetInt64(0) + 1, r.GetString(1));
        }
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        string hash = AuditChain.Hash(seq, at, entry, prev);
        using (var insert = Command(connection, $"INSERT INTO audit_log ({AuditColumns}) VALUES ($seq, $at, $actor, $role, $op, $outcome, $c, $case, $purpose, $t, $probe, $details, $prev, $hash);", tx,
            ("$seq", seq), ("$at", at.ToUnixTimeMilliseconds()), ("$actor", entry.Actor), ("$role", entry.Role), ("$op", entry.Operation), ("$outcome", entry.Outcome),
            ("$c", entry.CollectionId), ("$case", entry.Case), ("$purpose", entry.Purpose), ("$t", AuditChain.ThresholdText(entry.Threshold)), ("$probe", entry.Probe),
            ("$details", entry.Details), ("$prev", prev), ("$hash", hash)))
            insert.ExecuteNonQuery();
        string mac = AuditChain.Seal(AuditKey, seq, hash);
        using (var head = Command(connection, "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $seq, $hash, $mac) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac;", tx,
            ("$seq", seq), ("$hash", hash), ("$mac", mac)))
            head.ExecuteNonQuery();
        if (seq % AuditChain.SealEvery == 0)
        {
            using var seal = Command(connection, "INSERT INTO audit_seals (seq, hash, mac) VALUES ($seq, $hash, $mac);", tx, ("$seq", seq), ("$hash", hash), ("$mac", mac));
            seal.ExecuteNonQuery();
        }
        return seq;
    }

    public IReadOnlyList<AuditRecord> ReadAudit(long afterSeq, int limit)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log WHERE seq > $after ORDER BY seq LIMIT $limit;", null, ("$after", afterSeq), ("$limit", limit));
        using var r = cmd.ExecuteReader();
        var records = new List<AuditRecord>();
        while (r.Read())
            records.Add(ReadAuditRow(r));
        return records;
    }

    public IEnumerable<AuditRecord> ReadAuditBetween(DateTimeOffset from, DateTimeOffset to)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log WHERE at >= $from AND at < $to ORDER BY seq;", null,
            ("$from", from.ToUnixTimeMilliseconds()), ("$to", to.ToUnixTimeMilliseconds()));
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return ReadAuditRow(r);
    }

    public AuditVerification VerifyAudit()
    {
        using var connection = Open();
        var seals = new Dictionary<long, (string Hash, string Mac)>();
        using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_seals;"))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
                seals[r.GetInt64(0)] = (r.GetString(1), r.GetString(2));
        }
        (long Seq, string Hash, string Mac)? head = null;
        using (var cmd = Command(connection, "SELECT seq, hash, mac FROM audit_head WHERE id = 1;"))
        using (var r = cmd.ExecuteReader())
        {
            if (r.Read())
                head = (r.GetInt64(0), r.GetString(1), r.GetString(2));
        }
        long expected = 1, count = 0;
        string prev = AuditChain.Genesis;
        using (var cmd = Command(connection, $"SELECT {AuditColumns} FROM audit_log ORDER BY rowid;"))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var record = ReadAuditRow(r);
                count++;
                if (record.Seq != expected)
                    return new AuditVerification(count, expected, record.Seq > expected ? $"record {expected} is missing (found {record.Seq} next)" : $"record {record.Seq} is out of order or duplicated (expected {expected})");
                if (record.PrevHash != prev)
                    return new AuditVerification(count, record.Seq, $"record {record.Seq} does not follow record {record.Seq - 1} (previous-hash mismatch)");
                if (AuditChain.Hash(record.Seq, record.At, record.Entry, record.PrevHash) != record.Hash)
                    return new AuditVerification(count, record.Seq, $"record {record.Seq} was altered (its content does not match its hash)");
                if (seals.Remove(record.Seq, out var seal) && (seal.Hash != record.Hash || seal.Mac != AuditChain.Seal(AuditKey, record.Seq, record.Hash)))
                    return new AuditVerification(count, record.Seq, $"record {record.Seq} does not match its seal (the chain was rewritten)");
                prev = record.Hash;
                expected++;
            }
        }
        if (seals.Count > 0)
            return new AuditVerification(count, seals.Keys.Min(), $"record {seals.Keys.Min()} is sealed but missing (records were deleted)");
        long last = expected - 1;
        if (head is null && last > 0 || head is { } h && (h.Seq != last || h.Hash != prev || h.Mac != AuditChain.Seal(AuditKey, h.Seq, h.Hash)))
            return new AuditVerification(count, Math.Min(last + 1, head?.Seq ?? 1), $"the chain ends at record {last} but its sealed head is record {head?.Seq ?? 0} (records were removed or the head was forged)");
        return new AuditVerification(count, null, null);
    }

    private static AuditRecord ReadAuditRow(SqliteDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var entry = new AuditEntry(r.GetString(2), r.GetString(3), r.GetString(4))
        {
            Outcome = r.GetString(5),
            CollectionId = Text(6),
            Case = Text(7),
            Purpose = Text(8),
            Threshold = Text(9) is { } t ? float.Parse(t, CultureInfo.InvariantCulture) : null,
            Probe = Text(10),
            Details = Text(11),
        };
        return new AuditRecord(r.GetInt64(0), FromUnixMs(r.GetInt64(1)), entry, r.GetString(12), r.GetString(13));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(RetentionDetails))]
[System.Text.Json.Serialization.JsonSerializable(typeof(FaceDeletionDetails))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class AuditJson : System.Text.Json.Serialization.JsonSerializerContext;
