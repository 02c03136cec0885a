using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Live;
using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Server.Native;

/// <summary>Live events (native API): list, one, its snapshot and clip, and the server-sent event stream of changes.</summary>
public static class NativeEvents
{
    /// <summary>A comment line this often keeps idle streams open through proxies.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/events", async (HttpRequest request, IEventStore events, CancellationToken ct) =>
        {
            var query = EventView.Query(NativeInput.Text(request, "camera"), NativeInput.Text(request, "label"), NativeInput.Text(request, "since"),
                NativeInput.Int(request, "limit", 1, EventView.MaxLimit)) with
            {
                Handling = EventHandling.Filter(NativeInput.Text(request, "handling")),
                Plate = NativeInput.Text(request, "plate") is { } plate ? Text.HotlistMatcher.Plate(plate) : null,
            };
            return Results.Ok(new { events = (await events.ListEventsAsync(query, ct)).Select(EventView.From) });
        }).Op("ListEvents", Capability.Read, "Live events, newest first (camera, label, since as ISO 8601 or Unix seconds, handling: new, acknowledged or escalated, plate of a hotlist hit, limit ≤ 10,000)");

        v1.MapGet("/events/{eventId}", async (string eventId, IEventStore events, CancellationToken ct) =>
            Results.Ok(EventView.From(await events.GetEventAsync(eventId, ct) ?? throw NotFound(eventId))))
            .Op("DescribeEvent", Capability.Read, "One live event").Produces<EventView>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPatch("/events/{eventId}", async (string eventId, HttpRequest request, IEventStore events, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<EventBody>(request, ct);
            return Results.Ok(await EventCases.FileAsync(events, RequestIdentity.AuditOf(request.HttpContext), eventId, body.Case, ct));
        }).Op("UpdateEvent", Capability.Review, "File the event under a case ({\"case\": \"...\"}, null for none): a legal hold on the case keeps it past retention (admin, reviewer; audited)")
            .Accepts<EventBody>("application/json").Produces<EventView>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapPost("/events/{eventId}/actions", async (string eventId, HttpRequest request, IEventStore events, TimeProvider time, CancellationToken ct) =>
        {
            var body = await NativeInput.JsonAsync<EventActionBody>(request, ct);
            var identity = RequestIdentity.Of(request.HttpContext);
            var action = EventHandling.Action(eventId, body.Action, body.Note, identity.Principal!.AccessKeyId, time.GetUtcNow());
            var audit = RequestIdentity.AuditOf(request.HttpContext) with { Operation = EventHandling.Operation(action.Action) };
            identity.Operation = audit.Operation;
            if (!await events.AddEventActionAsync(audit, action, ct))
                throw NotFound(eventId);
            var stored = await events.GetEventAsync(eventId, ct) ?? throw NotFound(eventId);
            return Results.Ok(new { @event = EventView.From(stored), actions = await events.ListEventActionsAsync(eventId, ct) });
        }).Op("HandleEvent", Capability.Respond, "Acknowledge or escalate a live event, or add a note ({\"action\": \"acknowledge\"|\"escalate\"|\"note\", \"note\"}; admin, operator; audited with who and when)")
            .Accepts<EventActionBody>("application/json").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/events/{eventId}/actions", async (string eventId, IEventStore events, CancellationToken ct) =>
            Results.Ok(new { actions = await events.GetEventAsync(eventId, ct) is null ? throw NotFound(eventId) : await events.ListEventActionsAsync(eventId, ct) }))
            .Op("ListEventActions", Capability.Read, "Who acknowledged, escalated or annotated an event, and when, oldest first").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/events/{eventId}/snapshot.jpg", async (string eventId, IEventStore events, LiveServices live, CancellationToken ct) =>
            await FileOfAsync(events, live.Files, eventId, e => e.HasSnapshot, EventRecorder.SnapshotKey(eventId), "image/jpeg", "snapshot", ct))
            .Op("GetEventSnapshot", Capability.Read, "The event's best snapshot (the whole frame, JPEG)").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/events/{eventId}/path", async (string eventId, IEventStore events, LiveServices live, CancellationToken ct) =>
        {
            _ = await events.GetEventAsync(eventId, ct) ?? throw NotFound(eventId);
            return Results.Ok(await EventPaths.ReadAsync(live.Files, eventId, ct)
                ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"Event {eventId} has no path yet (it is written when the event ends)."));
        }).Op("GetEventPath", Capability.Read, "The event's object on each analysed frame (time, relative box) and its clip's first-frame time and rate: what a player draws over the clip")
            .Produces<EventPath>().ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/events/{eventId}/clip.mp4", async (string eventId, IEventStore events, LiveServices live, CancellationToken ct) =>
            await FileOfAsync(events, live.Files, eventId, e => e.HasClip, EventRecorder.ClipKey(eventId), "video/mp4", "clip", ct))
            .Op("GetEventClip", Capability.Read, "The event's clip (MP4, a few seconds before and after)").ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/events/stream", async (HttpContext context, EventHub hub, CancellationToken ct) =>
        {
            string? camera = NativeInput.Text(context.Request, "camera"), label = NativeInput.Text(context.Request, "label");
            using var subscription = hub.Subscribe(includeRelayed: true); // a cluster's every camera, through any node
            var response = context.Response;
            response.Headers.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            await response.WriteAsync(": sightline events\n\n", ct);
            await response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(Heartbeat);
                try
                {
                    if (!await subscription.Reader.WaitToReadAsync(wait.Token))
                        break;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                while (subscription.Reader.TryRead(out var message))
                {
                    if ((camera is null || message.Event.Camera == camera) && (label is null || string.Equals(message.Event.Label, label, StringComparison.OrdinalIgnoreCase)))
                        await response.WriteAsync($"event: {message.Type}\ndata: {JsonSerializer.Serialize(new { type = message.Type, frameTime = message.FrameTime, @event = message.Event }, s_json)}\n\n", ct);
                }
                await response.Body.FlushAsync(ct);
            }
        }).Op("StreamEvents", Capability.Read, "Server-sent events: one 'new', 'update' or 'end' message per change of a live event (camera, label filter), a comment every 15 s; in a cluster, the events of every node's cameras")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
    }

    private static SightlineException NotFound(string id) => new(ErrorKind.ResourceNotFound, $"No event '{id}'.");

    private static async Task<IResult> FileOfAsync(IEventStore events, IFileStore files, string id, Func<LiveEventRecord, bool> has, string key, string type, string what, CancellationToken ct)
    {
        var e = await events.GetEventAsync(id, ct) ?? throw NotFound(id);
        // The store is asked only for an event that has the file: an id is checked against the events first.
        if (!has(e) || await files.TryGetLocalAsync(key, ct).ConfigureAwait(false) is not { } path)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"Event '{id}' has no {what}.");
        return Results.File(path, type, enableRangeProcessing: true);
    }
}
