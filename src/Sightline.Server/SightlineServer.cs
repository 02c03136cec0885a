using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Scalar.AspNetCore;
using Sightline.Server.Native;
using Sightline.Server.Web;
using Sightline.Access;
using Sightline.Alerts;
using Sightline.Detectors;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Objects;
using Sightline.Storage;
using Sightline.Hosting;
using Sightline.Cluster;

namespace Sightline.Server;

/// <summary>
/// Builds the HTTP host: the Rekognition JSON 1.1 endpoint (SigV4), health probes, Prometheus metrics, request
/// logs and a concurrency limit that answers 429 / ThrottlingException instead of collapsing. The CLI's 'serve'
/// is a thin shell over this.
/// </summary>
public static class SightlineServer
{
    public static WebApplication Build(ServerOptions server, SightlineOptions core)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(server.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = server.MaxRequestBytes);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Logging.ClearProviders();
        if (server.JsonLogs)
            builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        else
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);

        builder.Services.AddSightline(core);
        builder.Services.AddSingleton(server);
        if (server.Cluster is { } cluster)
        {
            if (core.Database is not { } database || !Storage.Postgres.PostgresStorage.Accepts(database))
                throw SightlineException.InvalidParameter("--cluster needs a PostgreSQL --database, the one every node of the cluster shares.");
            builder.AddSightlineCluster(cluster, Storage.Postgres.PostgresConnection.Normalise(database), core.Node, server.Urls);
            builder.Services.AddHttpForwarder();
            builder.Services.AddSingleton<LiveViewForwarding>();
        }
        builder.Services.AddSingleton(sp => new SigV4Verifier(sp.GetRequiredService<AccessKeys>(), "rekognition", maxSkew: server.MaxClockSkew));
        builder.Services.AddSingleton<Limits.FailedAuthLimits>();
        builder.Services.AddSingleton<Limits.KeyRateLimits>();
        builder.Services.AddSingleton<Web.ConsoleSessions>();
        builder.Services.AddSingleton<ConsoleAssets>();
        builder.Services.AddSingleton<RequestAuthenticator>();
        builder.Services.AddSingleton<RekognitionEndpoint>();
        builder.Services.AddHostedService<VideoJobWorker>();
        builder.Services.AddHostedService<Native.RedactionJobWorker>();
        builder.Services.AddSingleton<RetentionWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionWorker>());
        builder.Services.AddHostedService<AlertDeliveryWorker>();
        builder.Services.AddHostedService<LiveCamerasWorker>();
        builder.Services.AddHostedService<LiveVideoWorker>();
        builder.Services.AddHostedService<StreamProcessorsWorker>();
        builder.Services.AddHostedService<MqttFeedWorker>();
        builder.Services.AddSingleton<NativeFilter>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new Native.FiniteDoubleConverter());
            o.SerializerOptions.Converters.Add(new Native.FiniteSingleConverter());
        });
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Sightline native API";
            document.Info.Description = "Faces, collections, users and searches. Authenticate with 'Authorization: Bearer ACCESS_KEY_ID:SECRET' (keys from 'sightline keys create'). "
                + "Errors are RFC 7807 problem details. Every search match is a lead for human review, never an identification.";
            return Task.CompletedTask;
        }));
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsProbe(context.Request.Path)
                ? RateLimitPartition.GetNoLimiter("probes")
                // Event streams are long-lived and do no work: their own limit, so they never take the work's permits.
                : context.Request.Path.StartsWithSegments("/v1/events/stream")
                ? RateLimitPartition.GetConcurrencyLimiter("streams", _ => new ConcurrencyLimiterOptions { PermitLimit = server.MaxEventStreams, QueueLimit = 0 })
                : RateLimitPartition.GetConcurrencyLimiter("work", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = server.MaxConcurrentRequests,
                    QueueLimit = server.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
            o.OnRejected = (rejected, ct) => new ValueTask(ServerMetrics.RejectAsync(rejected.HttpContext, server));
        });

        var app = builder.Build();
        // Options are checked before any model loads: a bad value is one line, not a warm-up and then a failure.
        _ = app.Services.GetRequiredService<SightlineOptions>();
        // A cluster node's schema (Orleans' membership tables included) is migrated before Orleans starts reading it.
        if (server.Cluster is not null)
            _ = app.Services.GetRequiredService<ICollectionStore>();
        app.Use(ServerMetrics.Middleware(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sightline.Requests")));
        app.UseStatusCodePages(); // problem details for routing failures (404, 405, 415) that no endpoint wrote
        app.UseRateLimiter();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) }); // live video to the console
        app.MapGet("/healthz", () => Results.Text("ok"));
        var clusterView = app.Services.GetService<ClusterView>();
        app.MapGet("/readyz", async (FaceEngine engine, ICollectionStore collections, CancellationToken ct) =>
        {
            if (clusterView is { Joined: false })
                return Results.Text("joining the cluster", statusCode: 503);
            bool ready = engine.Detector.ModelId is { Length: > 0 } && await collections.ListCollectionsAsync(null, 1, ct) is not null;
            return ready ? Results.Text("ready") : Results.Text("loading", statusCode: 503);
        });
        app.MapMetrics("/metrics");
        app.MapPost("/", (HttpContext context, RekognitionEndpoint endpoint) => endpoint.HandleAsync(context)).ExcludeFromDescription();
        app.MapNativeApi();
        app.MapConsoleSessions();
        ConsoleAssets.Map(app);
        app.MapOpenApi("/openapi/{documentName}.json");
        // The API reference calls nothing outside this server: no AI agent or MCP, no telemetry, no vendor fonts, no
        // client-generation or deploy buttons that reach the vendor's services.
        app.MapScalarApiReference("/docs", o => o.WithTitle("Sightline API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableAgent().DisableMcp().DisableTelemetry().DisableDefaultFonts().HideClientButton().HideDeveloperTools());
        // Load every model before the first request so /readyz and latency are honest.
        var engine = app.Services.GetRequiredService<FaceEngine>();
        engine.Warm(new FaceRequest { AllAttributes = true, Embeddings = true });
        var labels = app.Services.GetRequiredService<LabelEngine>();
        ServerMetrics.TrackInference(() => engine.LoadedModels.Append(labels.Detector.Model));
        ServerMetrics.TrackCameras(app.Services.GetRequiredService<Live.LiveCameras>());
        ServerMetrics.TrackMqtt(app.Services.GetRequiredService<Live.Feeds.MqttFeed>());
        if (clusterView is not null)
            ServerMetrics.TrackCluster(clusterView, app.Services.GetRequiredService<ClusterEventRelay>(), app.Services.GetRequiredService<LocalShards>());
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path == "/healthz" || path == "/readyz" || path == "/metrics" || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/docs")
        || path.StartsWithSegments("/console");
}
