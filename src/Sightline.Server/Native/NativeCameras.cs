using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Live;
using Sightline.Live.Video;

namespace Sightline.Server.Native;

/// <summary>Cameras (native API): add, change, list with status, remove. Credentials in a URL are sealed and never returned.</summary>
public static class NativeCameras
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/cameras", async (CameraDesk desk, CancellationToken ct) => Results.Ok(new { cameras = await desk.ListAsync(ct) }))
            .Op("ListCameras", Capability.Read, "Cameras with their status (starting, streaming, reconnecting, error with the reason, disabled, idle), measured fps and frames dropped");

        v1.MapGet("/cameras/{name}", async (string name, CameraDesk desk, CancellationToken ct) => Results.Ok(await desk.GetAsync(name, ct)))
            .Op("DescribeCamera", Capability.Read, "One camera and its status").Produces<CameraView>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/cameras/{name}/live.jpg", async (string name, HttpContext context, CameraDesk desk, LiveCameras cameras, CancellationToken ct) =>
        {
            var picture = await RunningAsync(name, desk, cameras, ct);
            var latest = picture.Latest() ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Camera '{name}' has no frame yet.");
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers["X-Frame-Time"] = latest.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            return Results.Bytes(latest.Jpeg, "image/jpeg");
        }).AddEndpointFilter(LiveViewForwarding.FilterAsync).Op("GetCameraFrame", Capability.Read, "The camera's latest analysed frame (JPEG at detect size; X-Frame-Time says when): the live view's fallback")
            .ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/cameras/{name}/video.mp4", async (string name, HttpContext context, CameraDesk desk, LiveVideo video, CancellationToken ct) =>
        {
            await desk.GetAsync(name, ct);
            using var viewer = await video.WatchAsync(name, ct);
            // A new video knows its clock after its second fragment (a fraction of a second): worth waiting for, so the
            // player can draw boxes at the moment it shows.
            for (int i = 0; i < 30 && viewer.MediaZero is null; i++)
                await Task.Delay(100, ct);
            var response = context.Response;
            response.ContentType = "video/mp4";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            response.Headers["X-Video-Codecs"] = viewer.Codecs;
            if (viewer.MediaZero is { } zero)
                response.Headers["X-Video-Start"] = zero.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                await foreach (var segment in viewer.Segments.ReadAllAsync(ct))
                {
                    await response.Body.WriteAsync(segment, ct);
                    await response.Body.FlushAsync(ct);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // the viewer left, fell behind, or the camera's video ended: the player reconnects
            }
            return Results.Empty;
        }).AddEndpointFilter(LiveViewForwarding.FilterAsync).Op("GetCameraVideo", Capability.Read, "The camera's live video as one fragmented MP4 stream (H.264; X-Video-Codecs gives the codec string for Media Source Extensions, X-Video-Start when the camera showed media time zero): the source's own H.264 copied, or other codecs encoded at most 1280 wide and 15 fps")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapGet("/cameras/{name}/video.ws", async (string name, HttpContext context, CameraDesk desk, LiveVideo video, CancellationToken ct) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
                throw SightlineException.InvalidParameter("This is the WebSocket form of the live video: connect with a WebSocket upgrade (or GET video.mp4).");
            await desk.GetAsync(name, ct);
            using var viewer = await video.WatchAsync(name, ct);
            for (int i = 0; i < 30 && viewer.MediaZero is null; i++)
                await Task.Delay(100, ct);
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await LiveVideoSocket.RelayAsync(socket, viewer, ct);
            return Results.Empty;
        }).AddEndpointFilter(LiveViewForwarding.FilterAsync).Op("GetCameraVideoSocket", Capability.Read, "The camera's live video over a WebSocket: a text message {codecs, start}, then the init segment and each fragment as binary messages (what browsers use: WebSockets do not count against their six connections to a host)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapGet("/cameras/{name}/hls/live.m3u8", async (string name, HttpContext context, CameraDesk desk, LiveVideo video, CancellationToken ct) =>
        {
            await desk.GetAsync(name, ct);
            var feed = await video.HlsAsync(name, ct);
            // The first segment closes at the second keyframe: wait for it rather than answer with an empty playlist.
            var deadline = DateTime.UtcNow + LiveVideo.StartTimeout;
            string? playlist;
            while ((playlist = feed.Hls.Playlist()) is null && DateTime.UtcNow < deadline)
                await Task.Delay(100, ct);
            context.Response.Headers.CacheControl = "no-store";
            return playlist is null
                ? throw new SightlineException(ErrorKind.ResourceInUse, $"The live video of camera '{name}' has no complete segment yet.")
                : Results.Text(playlist, "application/vnd.apple.mpegurl");
        }).AddEndpointFilter(LiveViewForwarding.FilterAsync).Op("GetCameraHlsPlaylist", Capability.Read, "The camera's live video as an HLS playlist (fMP4 segments of one GOP each, a sliding window of six): the fallback for players without Media Source Extensions")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapGet("/cameras/{name}/hls/init.mp4", async (string name, HttpContext context, CameraDesk desk, LiveVideo video, CancellationToken ct) =>
        {
            await desk.GetAsync(name, ct);
            var (init, _) = (await video.HlsAsync(name, ct)).Ready!.Value;
            context.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(init, "video/mp4");
        }).AddEndpointFilter(LiveViewForwarding.FilterAsync).Op("GetCameraHlsInit", Capability.Read, "The HLS playlist's init segment").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/cameras/{name}/hls/{segment}", async (string name, string segment, HttpContext context, CameraDesk desk, LiveVideo video, CancellationToken ct) =>
        {
            if (!segment.EndsWith(".m4s", StringComparison.Ordinal) || !long.TryParse(segment.AsSpan(0, segment.Length - 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long sequence))
                throw SightlineException.InvalidParameter($"'{segment}' is not a segment of the playlist (NUMBER.m4s).");
            await desk.GetAsync(name, ct);
            var bytes = (await video.HlsAsync(name, ct)).Hls.Segment(sequence)
                ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Segment {sequence} of camera '{name}' is no longer (or not yet) in the playlist.");
            context.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(bytes, "video/iso.segment");
        }).AddEndpointFilter(LiveViewForwarding.FilterAsync).Op("GetCameraHlsSegment", Capability.Read, "One media segment of the HLS playlist").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/cameras/{name}/tracks", async (string name, CameraDesk desk, LiveCameras cameras, CancellationToken ct) =>
            Results.Ok((await RunningAsync(name, desk, cameras, ct)).Tracks))
            .AddEndpointFilter(LiveViewForwarding.FilterAsync).Op("GetCameraTracks", Capability.Read, "The objects the camera is tracking now (confirmed tracks: id within the camera, label, relative box, stationary, loitering, zones)")
            .Produces<LiveTracks>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPost("/cameras", async (HttpRequest request, CameraDesk desk, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<CameraRequest>(request, ct);
            var created = await desk.AddAsync(RequestIdentity.AuditOf(request.HttpContext), body, RequestIdentity.Of(request.HttpContext).Principal?.AccessKeyId, local: false, ct);
            return Results.Created($"/v1/cameras/{created.Name}", created);
        }).Op("AddCamera", Capability.Administer, "Add a camera (name, url, fps ≤ 10, size WxH, labels, zones, motionMasks, rtspTransport, readPlates); a running server starts it within seconds (audited)")
            .Accepts<CameraRequest>("application/json").Produces<CameraView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);

        v1.MapPatch("/cameras/{name}", async (string name, HttpRequest request, CameraDesk desk, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<CameraRequest>(request, ct);
            if (body.Name is { } renamed && renamed != name)
                throw SightlineException.InvalidParameter("A camera cannot be renamed; remove it and add it under the new name.");
            return Results.Ok(await desk.UpdateAsync(RequestIdentity.AuditOf(request.HttpContext), name, body, local: false, ct));
        }).Op("UpdateCamera", Capability.Administer, "Change what the body names; the rest stays (audited); a running server restarts the camera with the new settings")
            .Accepts<CameraRequest>("application/json").Produces<CameraView>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapDelete("/cameras/{name}", async (string name, HttpContext context, CameraDesk desk, CancellationToken ct) =>
        {
            await desk.RemoveAsync(RequestIdentity.AuditOf(context), name, ct);
            return Results.NoContent();
        }).Op("RemoveCamera", Capability.Administer, "Remove a camera; a running server stops watching it within seconds (audited)").ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The live view of a camera this server runs; 404 naming why when there is none.</summary>
    private static async Task<LivePicture> RunningAsync(string name, CameraDesk desk, LiveCameras cameras, CancellationToken ct)
    {
        var camera = await desk.GetAsync(name, ct); // 404 for a camera that does not exist
        return cameras.Picture(camera.Name)
            ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Camera '{camera.Name}' is not being watched by this server ({camera.State}).");
    }
}
