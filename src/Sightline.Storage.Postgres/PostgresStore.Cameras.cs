using System.Text.Json;
using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string CameraColumns = "name, settings, created_by, created_at, updated_at";
    private const string StatusColumns = "camera, state, reason, measured_fps, frames_received, frames_analysed, frames_dropped, frames_with_motion, restarts, width, height, last_frame_at, updated_at, node";

    public Task AddCameraAsync(AuditEntry audit, CameraRecord camera, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, $"INSERT INTO cameras ({CameraColumns}) VALUES (@name, @settings, @by, @at, @updated);", cancellationToken,
                ("name", camera.Name), ("settings", JsonSerializer.Serialize(camera.Settings, CameraJson.Default.CameraSettings)), ("by", camera.CreatedBy),
                ("at", Ms(camera.CreatedAt)), ("updated", Ms(camera.UpdatedAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, CameraAudit.Details(camera), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.ResourceAlreadyExists, $"A camera named '{camera.Name}' already exists."));

    public Task UpdateCameraAsync(AuditEntry audit, CameraRecord camera, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "UPDATE cameras SET settings = @settings, updated_at = @updated WHERE name = @name;", cancellationToken,
                ("name", camera.Name), ("settings", JsonSerializer.Serialize(camera.Settings, CameraJson.Default.CameraSettings)), ("updated", Ms(camera.UpdatedAt))).ConfigureAwait(false) == 0)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"No camera named '{camera.Name}'.");
            await AppendAuditedAsync(c, tx, audit, CameraAudit.Details(camera), null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<CameraRecord?> GetCameraAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {CameraColumns} FROM cameras WHERE name = @name;", ReadCamera, cancellationToken, ("name", name)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<CameraRecord>> ListCamerasAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {CameraColumns} FROM cameras ORDER BY name;", ReadCamera, cancellationToken).ConfigureAwait(false);

    public Task<bool> DeleteCameraAsync(AuditEntry audit, string name, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "DELETE FROM cameras WHERE name = @name;", cancellationToken, ("name", name)).ConfigureAwait(false) == 0)
                return false;
            await AppendAuditedAsync(c, tx, audit, Ids([name]), null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public async Task SetCameraStatusAsync(CameraStatus s, CancellationToken cancellationToken) =>
        await ExecuteAsync($"""
            INSERT INTO camera_status ({StatusColumns})
            SELECT @camera, @state, @reason, @fps, @received, @analysed, @dropped, @motion, @restarts, @w, @h, @last, @updated, @node
            WHERE EXISTS (SELECT 1 FROM cameras WHERE name = @camera)
            ON CONFLICT (camera) DO UPDATE SET state = excluded.state, reason = excluded.reason, measured_fps = excluded.measured_fps,
                frames_received = excluded.frames_received, frames_analysed = excluded.frames_analysed, frames_dropped = excluded.frames_dropped,
                frames_with_motion = excluded.frames_with_motion, restarts = excluded.restarts, width = excluded.width, height = excluded.height,
                last_frame_at = excluded.last_frame_at, updated_at = excluded.updated_at, node = excluded.node;
            """, cancellationToken,
            ("camera", s.Camera), ("state", s.State), ("reason", s.Reason), ("fps", s.MeasuredFps), ("received", s.FramesReceived), ("analysed", s.FramesAnalysed),
            ("dropped", s.FramesDropped), ("motion", s.FramesWithMotion), ("restarts", s.Restarts), ("w", s.Width), ("h", s.Height),
            ("last", Ms(s.LastFrameAt)), ("updated", Ms(s.UpdatedAt)), ("node", s.Node)).ConfigureAwait(false);

    public async Task<IReadOnlyList<CameraStatus>> ListCameraStatusAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StatusColumns} FROM camera_status ORDER BY camera;", ReadStatus, cancellationToken).ConfigureAwait(false);

    private static CameraRecord ReadCamera(NpgsqlDataReader r) =>
        new(r.GetString(0), CameraAudit.Settings(r.GetString(1), r.GetString(0)), Text(r, 2), FromUnixMs(r.GetInt64(3)), FromUnixMs(r.GetInt64(4)));

    private static CameraStatus ReadStatus(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), Text(r, 2), r.GetDouble(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt32(8),
            r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetInt32(10), Time(r, 11), FromUnixMs(r.GetInt64(12)), r.GetString(13));
}
