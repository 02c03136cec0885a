namespace Sightline.Storage;

/// <summary>
/// The keys a store needs but must never hold itself: the audit chain's seal key lives in its own file
/// (<c>audit.key</c>, 32 bytes, mode 0600) in the secrets directory, so whoever can rewrite the database still
/// cannot forge the seals. The directory is given by the composition root, not derived from where a database file is.
/// </summary>
public sealed class StoreSecrets(string directory)
{
    public const string AuditKeyFileName = "audit.key";

    private readonly Lazy<byte[]> _auditKey = new(() => KeyFile.LoadOrCreate(Path.Combine(directory, AuditKeyFileName)));

    public string Directory { get; } = directory;

    public byte[] AuditKey => _auditKey.Value;
}
