namespace Sightline.Storage;

/// <summary>A registered custom object detector: its model file (<c>&lt;data&gt;/detectors/ID.onnx</c>) and what it was checked to be.</summary>
public sealed record DetectorRecord(
    string Id,
    string Layout,
    int InputWidth,
    int InputHeight,
    IReadOnlyList<string> Labels,
    string Sha256,
    long SizeBytes,
    string? CreatedBy,
    DateTimeOffset CreatedAt);

/// <summary>Registered detectors. Adding and removing are audited in the same transaction.</summary>
public interface IDetectorStore
{
    /// <summary>Throws ResourceAlreadyExists when the id is taken.</summary>
    Task AddDetectorAsync(AuditEntry audit, DetectorRecord detector, CancellationToken cancellationToken);

    Task<DetectorRecord?> GetDetectorAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DetectorRecord>> ListDetectorsAsync(CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when it did not exist.</summary>
    Task<bool> DeleteDetectorAsync(AuditEntry audit, string id, CancellationToken cancellationToken);
}
