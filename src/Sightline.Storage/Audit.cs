using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sightline.Storage;

/// <summary>
/// What one audited call did: who, what, on which collection, under which case and purpose, with what outcome. Every
/// store write that changes the agency's data takes the entry of the call it serves as an argument and appends it in
/// the write's own transaction.
/// </summary>
public sealed record AuditEntry(string Actor, string Role, string Operation)
{
    public string Outcome { get; init; } = "ok";
    public string? CollectionId { get; init; }
    public string? Case { get; init; }
    public string? Purpose { get; init; }
    public float? Threshold { get; init; }

    /// <summary>SHA-256 of the probe image (never the image), or the S3 location it came from.</summary>
    public string? Probe { get; init; }

    /// <summary>Compact JSON: returned ids and similarities, or the ids an effect touched.</summary>
    public string? Details { get; init; }

    /// <summary>
    /// This entry as the record of one write: the details a store gives (what the write touched; the entry's own when
    /// none), and the write's collection unless the entry already names one.
    /// </summary>
    public AuditEntry Touching(string? details, string? collectionId = null) =>
        this with { Details = details ?? Details, CollectionId = CollectionId ?? collectionId };
}

/// <summary>A stored audit record: the entry, its place in the chain, its time, and the chain hashes.</summary>
public sealed record AuditRecord(long Seq, DateTimeOffset At, AuditEntry Entry, string PrevHash, string Hash);

/// <summary>
/// The hash chain: each record's hash is SHA-256 over a canonical JSON array of its fields and the previous
/// record's hash; seals are HMAC-SHA256 over (seq, hash) with a key kept outside the database.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>A periodic seal is written every this many records (and the head seal on every append).</summary>
    public const int SealEvery = 100;

    public static string Hash(long seq, DateTimeOffset at, AuditEntry e, string prevHash)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteNumberValue(seq);
            w.WriteNumberValue(at.ToUnixTimeMilliseconds());
            foreach (var value in new[] { e.Actor, e.Role, e.Operation, e.Outcome, e.CollectionId, e.Case, e.Purpose, ThresholdText(e.Threshold), e.Probe, e.Details, prevHash })
            {
                if (value is null) w.WriteNullValue();
                else w.WriteStringValue(value);
            }
            w.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    public static string Seal(byte[] key, long seq, string hash) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(seq.ToString(CultureInfo.InvariantCulture) + ":" + hash)));

    public static string? ThresholdText(float? threshold) => threshold?.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Where an audit check found the chain broken.</summary>
/// <summary>
/// Which audit records to show: exact actor, case and operation (each optional), before a sequence number, made in
/// [<see cref="From"/>, <see cref="To"/>) (each bound optional), at most <see cref="Limit"/>.
/// </summary>
public sealed record AuditQuery(string? Actor = null, string? Case = null, string? Operation = null, long? BeforeSeq = null, int Limit = 100,
    DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public const int MaxLimit = 1000;
}

public sealed record AuditVerification(long Records, long? FirstBadSeq, string? Problem)
{
    public bool Intact => Problem is null;
}

/// <summary>The append-only audit log.</summary>
public interface IAuditStore
{
    /// <summary>Appends an entry in its own transaction (searches, refusals); returns its sequence number.</summary>
    Task<long> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>A page of records after <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Records matching <paramref name="query"/>, newest first (for people reading the log; exports use <see cref="ReadAuditAsync"/>).</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Records made in [<paramref name="from"/>, <paramref name="to"/>), in order, streamed.</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Recomputes the whole chain and checks every seal; names the first bad record.</summary>
    Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken);
}
