using System.Text.Json;
using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string DetectorColumns = "id, layout, input_width, input_height, labels, sha256, size_bytes, created_by, created_at";

    public Task AddDetectorAsync(AuditEntry audit, DetectorRecord d, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, $"INSERT INTO detectors ({DetectorColumns}) VALUES (@id, @layout, @w, @h, @labels, @sha, @size, @by, @at);", cancellationToken,
                ("id", d.Id), ("layout", d.Layout), ("w", d.InputWidth), ("h", d.InputHeight), ("labels", JsonSerializer.Serialize(d.Labels.ToArray(), PostgresJson.Default.StringArray)),
                ("sha", d.Sha256), ("size", d.SizeBytes), ("by", d.CreatedBy), ("at", Ms(d.CreatedAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, $"{{\"detector\":{JsonSerializer.Serialize(d.Id)},\"sha256\":\"{d.Sha256}\",\"layout\":\"{d.Layout}\"}}", null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.ResourceAlreadyExists, $"A detector with id '{d.Id}' is already registered."));

    public async Task<DetectorRecord?> GetDetectorAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {DetectorColumns} FROM detectors WHERE id = @id;", ReadDetector, cancellationToken, ("id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<DetectorRecord>> ListDetectorsAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {DetectorColumns} FROM detectors ORDER BY id;", ReadDetector, cancellationToken).ConfigureAwait(false);

    public Task<bool> DeleteDetectorAsync(AuditEntry audit, string id, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "DELETE FROM detectors WHERE id = @id;", cancellationToken, ("id", id)).ConfigureAwait(false) == 0)
                return false;
            await AppendAuditedAsync(c, tx, audit, Ids([id]), null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static DetectorRecord ReadDetector(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), JsonSerializer.Deserialize(r.GetString(4), PostgresJson.Default.StringArray) ?? [],
            r.GetString(5), r.GetInt64(6), Text(r, 7), FromUnixMs(r.GetInt64(8)));
}
