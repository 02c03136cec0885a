namespace Sightline.Storage;

/// <summary>
/// Verifies the audit chain as a provider reads it: fed the records in sequence order, it recomputes each hash, checks
/// each seal and finally the sealed head. Every provider verifies with this one class, so the findings and their
/// wording are the same whichever database holds the log.
/// </summary>
public sealed class AuditChainCheck(byte[] key, Dictionary<long, (string Hash, string Mac)> seals)
{
    private long _expected = 1;
    private long _count;
    private string _prev = AuditChain.Genesis;

    /// <summary>Checks the next record; the verdict when it breaks the chain.</summary>
    public AuditVerification? Next(AuditRecord record)
    {
        _count++;
        if (record.Seq != _expected)
            return new AuditVerification(_count, _expected, record.Seq > _expected ? $"record {_expected} is missing (found {record.Seq} next)" : $"record {record.Seq} is out of order or duplicated (expected {_expected})");
        if (record.PrevHash != _prev)
            return new AuditVerification(_count, record.Seq, $"record {record.Seq} does not follow record {record.Seq - 1} (previous-hash mismatch)");
        if (AuditChain.Hash(record.Seq, record.At, record.Entry, record.PrevHash) != record.Hash)
            return new AuditVerification(_count, record.Seq, $"record {record.Seq} was altered (its content does not match its hash)");
        if (seals.Remove(record.Seq, out var seal) && (seal.Hash != record.Hash || seal.Mac != AuditChain.Seal(key, record.Seq, record.Hash)))
            return new AuditVerification(_count, record.Seq, $"record {record.Seq} does not match its seal (the chain was rewritten)");
        _prev = record.Hash;
        _expected++;
        return null;
    }

    /// <summary>The verdict after the last record: no sealed record left unseen, and the sealed head is the last record.</summary>
    public AuditVerification End((long Seq, string Hash, string Mac)? head)
    {
        if (seals.Count > 0)
            return new AuditVerification(_count, seals.Keys.Min(), $"record {seals.Keys.Min()} is sealed but missing (records were deleted)");
        long last = _expected - 1;
        if (head is null && last > 0 || head is { } h && (h.Seq != last || h.Hash != _prev || h.Mac != AuditChain.Seal(key, h.Seq, h.Hash)))
            return new AuditVerification(_count, Math.Min(last + 1, head?.Seq ?? 1), $"the chain ends at record {last} but its sealed head is record {head?.Seq ?? 0} (records were removed or the head was forged)");
        return new AuditVerification(_count, null, null);
    }
}
