using System.Text.Json;
using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string DetectorColumns = "id, layout, input_width, input_height, labels, sha256, size_bytes, created_by, created_at";

    public void AddDetector(AuditEntry audit, DetectorRecord d) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, $"INSERT INTO detectors ({DetectorColumns}) VALUES (@id, @layout, @w, @h, @labels, @sha, @size, @by, @at);", tx,
                ("id", d.Id), ("layout", d.Layout), ("w", d.InputWidth), ("h", d.InputHeight), ("labels", JsonSerializer.Serialize(d.Labels.ToArray(), PostgresJson.Default.StringArray)),
                ("sha", d.Sha256), ("size", d.SizeBytes), ("by", d.CreatedBy), ("at", Ms(d.CreatedAt)));
            cmd.ExecuteNonQuery();
            AppendAudited(c, tx, audit, $"{{\"detector\":{JsonSerializer.Serialize(d.Id)},\"sha256\":\"{d.Sha256}\",\"layout\":\"{d.Layout}\"}}");
        }, new Violation(ErrorKind.ResourceAlreadyExists, $"A detector with id '{d.Id}' is already registered."));

    public DetectorRecord? GetDetector(string id) => Query($"SELECT {DetectorColumns} FROM detectors WHERE id = @id;", ReadDetector, ("id", id)).FirstOrDefault();

    public IReadOnlyList<DetectorRecord> ListDetectors() => Query($"SELECT {DetectorColumns} FROM detectors ORDER BY id;", ReadDetector);

    public bool DeleteDetector(AuditEntry audit, string id) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, "DELETE FROM detectors WHERE id = @id;", tx, ("id", id));
            if (cmd.ExecuteNonQuery() == 0)
                return false;
            AppendAudited(c, tx, audit, Ids([id]));
            return true;
        });

    private static DetectorRecord ReadDetector(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), JsonSerializer.Deserialize(r.GetString(4), PostgresJson.Default.StringArray) ?? [],
            r.GetString(5), r.GetInt64(6), Text(r, 7), FromUnixMs(r.GetInt64(8)));
}
