using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IDetectorStore
{
    private const string DetectorColumns = "id, layout, input_width, input_height, labels, sha256, size_bytes, created_by, created_at";

    public async Task AddDetectorAsync(AuditEntry audit, DetectorRecord d, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecAsync(connection, tx, $"INSERT INTO detectors ({DetectorColumns}) VALUES ($id, $layout, $w, $h, $labels, $sha, $size, $by, $at);", cancellationToken,
                ("$id", d.Id), ("$layout", d.Layout), ("$w", d.InputWidth), ("$h", d.InputHeight), ("$labels", JsonSerializer.Serialize(d.Labels.ToArray(), AuditJson.Default.StringArray)),
                ("$sha", d.Sha256), ("$size", d.SizeBytes), ("$by", d.CreatedBy), ("$at", d.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"A detector with id '{d.Id}' is already registered.", ex);
        }
        await CommitAuditedAsync(connection, tx, audit, $"{{\"detector\":{JsonSerializer.Serialize(d.Id)},\"sha256\":\"{d.Sha256}\",\"layout\":\"{d.Layout}\"}}", null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DetectorRecord?> GetDetectorAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {DetectorColumns} FROM detectors WHERE id = $id;", ReadDetector, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<DetectorRecord>> ListDetectorsAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {DetectorColumns} FROM detectors ORDER BY id;", ReadDetector, cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteDetectorAsync(AuditEntry audit, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "DELETE FROM detectors WHERE id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false) == 0)
            return false;
        await CommitAuditedAsync(connection, tx, audit, Ids([id]), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static DetectorRecord ReadDetector(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), JsonSerializer.Deserialize(r.GetString(4), AuditJson.Default.StringArray) ?? [],
            r.GetString(5), r.GetInt64(6), Text(r, 7), FromUnixMs(r.GetInt64(8)));
}
