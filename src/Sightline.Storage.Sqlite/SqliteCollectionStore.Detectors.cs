using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IDetectorStore
{
    private const string DetectorColumns = "id, layout, input_width, input_height, labels, sha256, size_bytes, created_by, created_at";

    public void AddDetector(AuditEntry audit, DetectorRecord d)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, $"INSERT INTO detectors ({DetectorColumns}) VALUES ($id, $layout, $w, $h, $labels, $sha, $size, $by, $at);", tx,
            ("$id", d.Id), ("$layout", d.Layout), ("$w", d.InputWidth), ("$h", d.InputHeight), ("$labels", JsonSerializer.Serialize(d.Labels.ToArray(), AuditJson.Default.StringArray)),
            ("$sha", d.Sha256), ("$size", d.SizeBytes), ("$by", d.CreatedBy), ("$at", d.CreatedAt.ToUnixTimeMilliseconds()));
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceAlreadyExists, $"A detector with id '{d.Id}' is already registered.", ex);
        }
        CommitAudited(connection, tx, audit, $"{{\"detector\":{JsonSerializer.Serialize(d.Id)},\"sha256\":\"{d.Sha256}\",\"layout\":\"{d.Layout}\"}}");
    }

    public DetectorRecord? GetDetector(string id) => QueryDetectors($"SELECT {DetectorColumns} FROM detectors WHERE id = $id;", id).FirstOrDefault();

    public IReadOnlyList<DetectorRecord> ListDetectors() => QueryDetectors($"SELECT {DetectorColumns} FROM detectors ORDER BY id;", null);

    public bool DeleteDetector(AuditEntry audit, string id)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, "DELETE FROM detectors WHERE id = $id;", tx, ("$id", id));
        if (cmd.ExecuteNonQuery() == 0)
            return false;
        CommitAudited(connection, tx, audit, Ids([id]));
        return true;
    }

    private List<DetectorRecord> QueryDetectors(string sql, string? id)
    {
        using var connection = Open();
        using var cmd = Command(connection, sql, null, ("$id", id));
        using var r = cmd.ExecuteReader();
        var found = new List<DetectorRecord>();
        while (r.Read())
        {
            found.Add(new DetectorRecord(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3),
                JsonSerializer.Deserialize(r.GetString(4), AuditJson.Default.StringArray) ?? [], r.GetString(5), r.GetInt64(6),
                r.IsDBNull(7) ? null : r.GetString(7), FromUnixMs(r.GetInt64(8))));
        }
        return found;
    }
}
