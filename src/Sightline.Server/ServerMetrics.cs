using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Sightline.Server;

/// <summary>
/// Prometheus metrics and structured request logs. Every request gets an id (returned as x-amzn-RequestId, which the
/// AWS SDKs surface as <c>$metadata.requestId</c>, and X-Request-Id), one log event when it ends (id, api,
/// operation, access key, status, milliseconds), and counts in <c>/metrics</c>, with time inside each model.
/// </summary>
public static partial class ServerMetrics
{
    private static readonly Counter s_requests = Metrics.CreateCounter("sightline_requests_total", "Requests by API, operation and HTTP status.",
        new CounterConfiguration { LabelNames = ["api", "operation", "status"] });

    private static readonly Histogram s_duration = Metrics.CreateHistogram("sightline_request_duration_seconds", "Request latency by API and operation, queueing included.",
        new HistogramConfiguration { LabelNames = ["api", "operation"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });

    private static readonly Gauge s_waiting = Metrics.CreateGauge("sightline_requests_waiting", "Requests queued for a processing slot.");

    private static readonly Gauge s_running = Metrics.CreateGauge("sightline_requests_running", "Requests being processed.");

    private static readonly Counter s_rejected = Metrics.CreateCounter("sightline_requests_throttled_total", "Requests refused with 429 because the queue was full.");

    private static readonly Counter s_keyThrottled = Metrics.CreateCounter("sightline_key_throttled_total", "Requests refused because their access key was over its rate limit, by key.",
        new CounterConfiguration { LabelNames = ["key"] });

    private static readonly Counter s_authThrottled = Metrics.CreateCounter("sightline_auth_failures_throttled_total",
        "Requests refused because their source address had too many failed authentications.");

    public static void KeyThrottled(string accessKeyId) => s_keyThrottled.WithLabels(accessKeyId).Inc();

    public static void AuthFailuresThrottled() => s_authThrottled.Inc();

    private static readonly Counter s_inferenceSeconds = Metrics.CreateCounter("sightline_inference_seconds_total", "Time inside ONNX Runtime by model.",
        new CounterConfiguration { LabelNames = ["model"] });

    private static readonly Counter s_inferenceRuns = Metrics.CreateCounter("sightline_inference_runs_total", "ONNX Runtime runs by model.",
        new CounterConfiguration { LabelNames = ["model"] });

    private const string AdmittedKey = "sightline.admitted";

    /// <summary>Copies the engine's per-model run counters into the registry at every scrape.</summary>
    public static void TrackInference(Func<IEnumerable<Sightline.Inference.OnnxModel>> models) => Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
    {
        foreach (var model in models())
        {
            s_inferenceSeconds.WithLabels(model.File.Id).IncTo(model.RunTime.TotalSeconds);
            s_inferenceRuns.WithLabels(model.File.Id).IncTo(model.Runs);
        }
    });

    private static readonly Counter s_cameraFrames = Metrics.CreateCounter("sightline_camera_frames_total", "Frames of live cameras by what became of them (received, analysed, dropped, motion, detected, detection_skipped)", "camera", "outcome");
    private static readonly Gauge s_cameraStreaming = Metrics.CreateGauge("sightline_camera_streaming", "1 while a camera is streaming, else 0", "camera");
    private static readonly Counter s_cameraRestarts = Metrics.CreateCounter("sightline_camera_restarts_total", "ffmpeg sessions of a camera started again", "camera");
    private static readonly Counter s_cameraPlates = Metrics.CreateCounter("sightline_camera_plate_reads_total", "Tracked vehicles of a camera whose plate was read, by outcome (read, hotlist_hit); reads are not kept", "camera", "outcome");

    /// <summary>Live cameras' counters, read at each scrape from the workers running in this server.</summary>
    private static readonly Gauge s_clusterNodes = Metrics.CreateGauge("sightline_cluster_nodes", "Nodes of the cluster by status, as this node sees them (cluster mode only)", "status");
    private static readonly Gauge s_clusterJoined = Metrics.CreateGauge("sightline_cluster_joined", "1 while this node is an active member of its cluster, else 0 (cluster mode only)");
    private static readonly Counter s_clusterEvents = Metrics.CreateCounter("sightline_cluster_events_relayed_total",
        "Live event messages relayed between the nodes of the cluster by outcome (sent: this node's, received: other nodes', dropped) (cluster mode only)", "outcome");
    private static readonly Gauge s_clusterShardFaces = Metrics.CreateGauge("sightline_cluster_shard_faces",
        "Faces in each collection shard active on this node (0 while it loads) (cluster mode only)", "collection", "shard");
    private static readonly HashSet<(string, string)> s_shardSeries = [];
    private static readonly string[] s_clusterStatuses = ["Created", "Joining", "Active", "ShuttingDown", "Stopping", "Dead"];

    /// <summary>
    /// The cluster's membership as this node sees it, the collection shards it holds, and the live events relayed; the
    /// cameras this node runs are the camera series.
    /// </summary>
    public static void TrackCluster(Cluster.ClusterView view, Cluster.ClusterEventRelay relay, Cluster.LocalShards shards) => Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
    {
        var held = shards.List();
        lock (s_shardSeries)
        {
            // A shard that moved away (or a dropped collection's) leaves this node's series.
            var now = held.Select(s => (s.Collection, s.Shard.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToHashSet();
            foreach (var gone in s_shardSeries.Where(s => !now.Contains(s)).ToList())
            {
                s_clusterShardFaces.RemoveLabelled(gone.Item1, gone.Item2);
                s_shardSeries.Remove(gone);
            }
            s_shardSeries.UnionWith(now);
        }
        foreach (var shard in held)
            s_clusterShardFaces.WithLabels(shard.Collection, shard.Shard.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(shard.Faces ?? 0);
        s_clusterEvents.WithLabels("sent").IncTo(relay.Sent);
        s_clusterEvents.WithLabels("received").IncTo(relay.Received);
        s_clusterEvents.WithLabels("dropped").IncTo(relay.Dropped);
        var members = view.Members;
        foreach (string status in s_clusterStatuses)
            s_clusterNodes.WithLabels(status).Set(members.Count(m => m.Status == status));
        s_clusterJoined.Set(view.Joined ? 1 : 0);
    });

    public static void TrackCameras(Live.LiveCameras cameras) => Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
    {
        var workers = cameras.Workers.ToList();
        // A removed camera's series go with it (a scrape never shows a camera that is no longer watched).
        lock (s_cameraSeries)
        {
            foreach (var gone in s_cameraSeries.Where(n => !workers.Any(w => w.Camera.Name == n)).ToList())
            {
                foreach (var outcome in s_frameOutcomes)
                    s_cameraFrames.RemoveLabelled(gone, outcome);
                s_cameraStreaming.RemoveLabelled(gone);
                s_cameraRestarts.RemoveLabelled(gone);
                s_cameraPlates.RemoveLabelled(gone, "read");
                s_cameraPlates.RemoveLabelled(gone, "hotlist_hit");
                s_cameraSeries.Remove(gone);
            }
            foreach (var w in workers)
                s_cameraSeries.Add(w.Camera.Name);
        }
        foreach (var worker in workers)
        {
            string name = worker.Camera.Name;
            var c = worker.Counters;
            long[] values = [c.Received, c.Analysed, c.Dropped, c.WithMotion, c.Detections, c.DetectionsSkipped];
            for (int i = 0; i < s_frameOutcomes.Length; i++)
                s_cameraFrames.WithLabels(name, s_frameOutcomes[i]).IncTo(values[i]);
            s_cameraStreaming.WithLabels(name).Set(c.State == Storage.CameraStates.Streaming ? 1 : 0);
            s_cameraRestarts.WithLabels(name).IncTo(c.Restarts);
            s_cameraPlates.WithLabels(name, "read").IncTo(c.PlateReads);
            s_cameraPlates.WithLabels(name, "hotlist_hit").IncTo(c.HotlistHits);
        }
    });

    private static readonly HashSet<string> s_cameraSeries = new(StringComparer.Ordinal);
    private static readonly string[] s_frameOutcomes = ["received", "analysed", "dropped", "motion", "detected", "detection_skipped"];

    private static readonly Counter s_mqttPublished = Metrics.CreateCounter("sightline_mqtt_messages_published_total", "MQTT messages handed to the broker");
    private static readonly Counter s_mqttDropped = Metrics.CreateCounter("sightline_mqtt_messages_dropped_total", "MQTT messages dropped because the broker was away or slow past the buffer");
    private static readonly Gauge s_mqttConnected = Metrics.CreateGauge("sightline_mqtt_connected", "1 while the MQTT feed has its broker (embedded started or external connected), else 0");

    /// <summary>The MQTT feed's counters, read at each scrape.</summary>
    public static void TrackMqtt(Live.Feeds.MqttFeed feed) => Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
    {
        s_mqttPublished.IncTo(feed.Published);
        s_mqttDropped.IncTo(feed.Dropped);
        s_mqttConnected.Set(feed.Connected ? 1 : 0);
    });

    /// <summary>The outer middleware: id, timing, log line, counters; runs before the concurrency limiter.</summary>
    public static Func<HttpContext, RequestDelegate, Task> Middleware(ILogger logger) => async (context, next) =>
    {
        string id = Guid.NewGuid().ToString("D");
        context.TraceIdentifier = id;
        context.Response.Headers["x-amzn-RequestId"] = id;
        context.Response.Headers["X-Request-Id"] = id;
        long start = Stopwatch.GetTimestamp();
        s_waiting.Inc();
        context.Items[AdmittedKey] = false;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (context.Items[AdmittedKey] is true)
                s_running.Dec();
            else
                s_waiting.Dec();
            var identity = RequestIdentity.Of(context);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            int status = context.Response.StatusCode;
            if (identity.Api != "other")
            {
                s_requests.WithLabels(identity.Api, identity.Operation, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
                s_duration.WithLabels(identity.Api, identity.Operation).Observe(seconds);
            }
            if (context.Request.Path != "/metrics" && context.Request.Path != "/healthz" && context.Request.Path != "/readyz")
                LogRequest(logger, id, context.Request.Method, context.Request.Path, identity.Api, identity.Operation, identity.Principal?.AccessKeyId ?? "-", status, seconds * 1000);
        }
    };

    /// <summary>Marks a request as admitted past the limiter (called first thing by every endpoint).</summary>
    public static void Admitted(HttpContext context)
    {
        if (context.Items[AdmittedKey] is true)
            return;
        context.Items[AdmittedKey] = true;
        s_waiting.Dec();
        s_running.Inc();
    }

    /// <summary>The 429 answer, in the caller's dialect: ThrottlingException for the AWS API, problem details otherwise.</summary>
    public static Task RejectAsync(HttpContext context, ServerOptions options)
    {
        s_rejected.Inc();
        context.Response.Headers.RetryAfter = "1";
        string message = $"Too many requests: {options.MaxConcurrentRequests} are being processed and {options.QueueLimit} are waiting. Retry with backoff.";
        if (context.Request.Path == "/" && context.Request.Headers.ContainsKey("X-Amz-Target"))
        {
            var identity = RequestIdentity.Of(context);
            identity.Api = "aws";
            string op = context.Request.Headers["X-Amz-Target"].ToString().Split('.').Last();
            identity.Operation = RekognitionEndpoint.Operations.ContainsKey(op) ? op : "-"; // metric labels stay bounded
            return RekognitionEndpoint.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "ThrottlingException", message);
        }
        return Problems.WriteAsync(context, new SightlineException(ErrorKind.Throttling, message));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "request {RequestId} {Method} {Path} api={Api} operation={Operation} key={AccessKeyId} status={Status} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, string requestId, string method, string path, string api, string operation, string accessKeyId, int status, double elapsedMs);
}
