using Sightline.Storage;

namespace Sightline.Live;

/// <summary>Adds, changes, lists and removes cameras for the API and the CLI (each change audited with the store's write).</summary>
public sealed class CameraDesk(ICameraStore store, IDetectorStore detectors, CameraSecrets secrets, LiveOptions options, TimeProvider time)
{
    /// <param name="local">The request comes from the CLI on this machine: only then may the source be a file (a test source).</param>
    public async Task<CameraView> AddAsync(AuditEntry audit, CameraRequest request, string? createdBy, bool local, CancellationToken ct)
    {
        string name = CameraDefinitions.Name(request.Name);
        RefuseFiles(request, local);
        var settings = CameraDefinitions.Settings(request, name, await CameraDefinitions.KnownLabelsAsync(detectors, ct).ConfigureAwait(false), secrets);
        var now = time.GetUtcNow();
        var camera = new CameraRecord(name, settings, createdBy, now, now);
        await store.AddCameraAsync(audit, camera, ct).ConfigureAwait(false);
        return CameraDefinitions.View(camera, null, now, options.StatusStaleAfter);
    }

    /// <summary>Changes what the request names; the rest stays. A running server restarts the camera with the new settings.</summary>
    public async Task<CameraView> UpdateAsync(AuditEntry audit, string name, CameraRequest request, bool local, CancellationToken ct)
    {
        RefuseFiles(request, local);
        var current = await GetRecordAsync(name, ct).ConfigureAwait(false);
        var settings = CameraDefinitions.Settings(request, current.Name, await CameraDefinitions.KnownLabelsAsync(detectors, ct).ConfigureAwait(false), secrets, current.Settings);
        var now = time.GetUtcNow();
        var camera = current with { Settings = settings, UpdatedAt = now > current.UpdatedAt ? now : current.UpdatedAt.AddMilliseconds(1) };
        await store.UpdateCameraAsync(audit, camera, ct).ConfigureAwait(false);
        return CameraDefinitions.View(camera, null, now, options.StatusStaleAfter);
    }

    public async Task<IReadOnlyList<CameraView>> ListAsync(CancellationToken ct)
    {
        var cameras = await store.ListCamerasAsync(ct).ConfigureAwait(false);
        var statuses = (await store.ListCameraStatusAsync(ct).ConfigureAwait(false)).ToDictionary(s => s.Camera, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        return [.. cameras.Select(c => CameraDefinitions.View(c, statuses.GetValueOrDefault(c.Name), now, options.StatusStaleAfter))];
    }

    public async Task<CameraView> GetAsync(string name, CancellationToken ct)
    {
        var camera = await GetRecordAsync(name, ct).ConfigureAwait(false);
        var status = (await store.ListCameraStatusAsync(ct).ConfigureAwait(false)).FirstOrDefault(s => s.Camera == camera.Name);
        return CameraDefinitions.View(camera, status, time.GetUtcNow(), options.StatusStaleAfter);
    }

    public async Task RemoveAsync(AuditEntry audit, string name, CancellationToken ct)
    {
        if (!await store.DeleteCameraAsync(audit, name, ct).ConfigureAwait(false))
            throw new SightlineException(ErrorKind.ResourceNotFound, $"No camera named '{name}'.");
    }

    /// <summary>A file source over the API would let a remote caller make the server read any local file: the CLI only.</summary>
    private static void RefuseFiles(CameraRequest request, bool local)
    {
        if (!local && request.Url is { } url && url.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            throw SightlineException.InvalidParameter("file:// sources are for local testing and are added with the sightline CLI, not over the API.");
    }

    private async Task<CameraRecord> GetRecordAsync(string name, CancellationToken ct) =>
        await store.GetCameraAsync(name, ct).ConfigureAwait(false) ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"No camera named '{name}'.");
}
