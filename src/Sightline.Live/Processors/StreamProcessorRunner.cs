using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sightline.Live.Events;
using Sightline.ObjectStorage;
using Sightline.Storage;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sightline.Live.Processors;

/// <summary>
/// Moves stream processors through Rekognition's states and delivers ConnectedHome results. Every
/// <paramref name="interval"/>: STARTING becomes RUNNING (FAILED when its camera is gone, or a FaceSearch processor's
/// authorization no longer covers it), RUNNING stops at its StopSelector's duration, at the end of its authorization
/// or when its camera is removed, STOPPING becomes STOPPED. A running ConnectedHome processor writes each new event
/// of its labels (at its MinConfidence, centred in its regions of interest) to its bucket as
/// <c>PREFIX/NAME/SESSION/EVENT.json</c> with the snapshot beside it; what is already in view when it starts (the
/// camera's open events) is reported as it starts.
/// </summary>
public sealed partial class StreamProcessorRunner(IStreamProcessorStore store, ICameraStore cameras, IAuthorizationStore authorizations, IEventStore events, EventHub hub, ObjectStore objects,
    IFileStore files, TimeSpan interval, TimeProvider time, ILogger logger)
{
    private IReadOnlyList<StreamProcessorRecord> _running = [];

    public async Task RunAsync(CancellationToken ct)
    {
        using var subscription = hub.Subscribe();
        var deliver = DeliverAsync(subscription, ct);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                try
                {
                    await StepAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogStepFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        await deliver.ConfigureAwait(false);
    }

    /// <summary>One pass over every processor's state.</summary>
    public async Task StepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var cameraNames = (await cameras.ListCamerasAsync(ct).ConfigureAwait(false)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var grants = await authorizations.ListAuthorizationsAsync(ct).ConfigureAwait(false);
        var running = new List<StreamProcessorRecord>();
        foreach (var p in await store.ListStreamProcessorsAsync(ct).ConfigureAwait(false))
        {
            string? problem = !cameraNames.Contains(p.Camera) ? $"camera '{p.Camera}' was removed"
                : p.Kind == StreamProcessorRecord.FaceSearch && !grants.Any(a => a.Covers(p.Camera) && a.CollectionId == p.CollectionId && a.ActiveAt(now))
                    ? "no active authorization covers the camera and collection (expired or revoked)" : null;
            var next = p.Status switch
            {
                StreamProcessorStatus.Starting when problem is not null => p with { Status = StreamProcessorStatus.Failed, StatusMessage = problem },
                StreamProcessorStatus.Starting => p with { Status = StreamProcessorStatus.Running, StatusMessage = null },
                StreamProcessorStatus.Running when problem is not null => p with { Status = StreamProcessorStatus.Stopped, StatusMessage = problem },
                StreamProcessorStatus.Running when p.MaxDurationSeconds is { } max && p.StartedAt is { } started && now >= started.AddSeconds(max) =>
                    p with { Status = StreamProcessorStatus.Stopped, StatusMessage = $"stopped after MaxDurationInSeconds ({max})" },
                StreamProcessorStatus.Stopping => p with { Status = StreamProcessorStatus.Stopped },
                _ => p,
            };
            if (next != p)
            {
                next = next with { UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()) };
                if (await store.UpdateStreamProcessorAsync(null, next, p.Status, ct).ConfigureAwait(false))
                {
                    LogStatus(logger, p.Name, p.Status, next.Status, next.StatusMessage ?? "");
                    if (next.Status == StreamProcessorStatus.Running && next.Kind == StreamProcessorRecord.ConnectedHome)
                        await ReportOpenAsync(next, ct).ConfigureAwait(false);
                }
                else
                {
                    next = p; // changed by a call meanwhile: the next pass sees it
                }
            }
            if (next.Status == StreamProcessorStatus.Running)
                running.Add(next);
        }
        Volatile.Write(ref _running, running);
    }

    /// <summary>The camera's events still open when a session starts: what is in view is reported once.</summary>
    private async Task ReportOpenAsync(StreamProcessorRecord p, CancellationToken ct)
    {
        foreach (var e in await events.ListEventsAsync(new EventQuery(Camera: p.Camera, Limit: 100), ct).ConfigureAwait(false))
        {
            var view = LiveEventView.From(e, []);
            if (e.EndTime is null && Matches(p, view))
                await WriteAsync(p, new LiveEventMessage("new", view, e.UpdatedAt), ct).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(EventHub.Subscription subscription, CancellationToken ct)
    {
        try
        {
            await foreach (var message in subscription.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (message.Type != "new")
                    continue;
                foreach (var p in Volatile.Read(ref _running))
                {
                    if (p.Kind == StreamProcessorRecord.ConnectedHome && p.Camera == message.Event.Camera && Matches(p, message.Event))
                        await WriteAsync(p, message, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public static bool Matches(StreamProcessorRecord p, LiveEventView e) =>
        StreamProcessorRules.DetectorLabels(p.Labels).Contains(e.Label)
        && e.TopScore >= (p.MinConfidence ?? StreamProcessorRules.DefaultMinConfidence)
        && StreamProcessorRules.InRegions(p.RegionsOfInterest, e.Box[0], e.Box[1], e.Box[2], e.Box[3]);

    private async Task WriteAsync(StreamProcessorRecord p, LiveEventMessage message, CancellationToken ct)
    {
        try
        {
            string root = objects.BucketDirectory(p.S3Bucket) ?? throw new IOException($"bucket '{p.S3Bucket}' is no longer configured");
            string directory = Path.Combine(root, (p.S3KeyPrefix ?? "").TrimEnd('/'), p.Name, p.SessionId ?? "session");
            Directory.CreateDirectory(directory);
            var e = message.Event;
            string label = p.Labels.FirstOrDefault(l => StreamProcessorRules.ConnectedHomeLabels[l].Contains(e.Label, StringComparer.OrdinalIgnoreCase) && l != "ALL") ?? "ALL";
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("StreamProcessorArn", p.Arn);
                w.WriteString("SessionId", p.SessionId);
                w.WriteString("InputInformation", p.InputArn);
                w.WriteStartArray("Labels");
                w.WriteStartObject();
                w.WriteString("Name", label);
                w.WriteString("DetectedLabel", e.Label);
                w.WriteNumber("Confidence", e.TopScore);
                w.WriteStartObject("BoundingBox");
                w.WriteNumber("Left", e.Box[0]);
                w.WriteNumber("Top", e.Box[1]);
                w.WriteNumber("Width", e.Box[2] - e.Box[0]);
                w.WriteNumber("Height", e.Box[3] - e.Box[1]);
                w.WriteEndObject();
                w.WriteNumber("ProducerTimestamp", e.StartTime.ToUnixTimeMilliseconds());
                w.WriteString("EventId", e.Id);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }
            string json = Path.Combine(directory, e.Id + ".json");
            File.WriteAllBytes(json + ".tmp", buffer.ToArray());
            File.Move(json + ".tmp", json, overwrite: true);
            if (e.HasSnapshot && await files.TryGetLocalAsync(EventRecorder.SnapshotKey(e.Id), ct).ConfigureAwait(false) is { } snapshot)
                File.Copy(snapshot, Path.Combine(directory, e.Id + ".jpg"), overwrite: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWriteFailed(logger, p.Name, ex);
        }
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Information, Message = "stream processor {Name}: {From} -> {To} {Message}")]
    private static partial void LogStatus(ILogger logger, string name, string from, string to, string message);

    [LoggerMessage(EventId = 91, Level = LogLevel.Error, Message = "stream processors: a pass failed")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 92, Level = LogLevel.Error, Message = "stream processor {Name}: a result could not be written")]
    private static partial void LogWriteFailed(ILogger logger, string name, Exception exception);
}
