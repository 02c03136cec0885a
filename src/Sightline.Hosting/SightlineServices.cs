using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sightline.Access;
using Sightline.Alerts;
using Sightline.Collections;
using Sightline.Detectors;
using Sightline.Faces;
using Sightline.Identification;
using Sightline.Live;
using Sightline.Live.Detection;
using Sightline.Live.Events;
using Sightline.Live.Faces;
using Sightline.Live.Processors;
using Sightline.Live.Feeds;
using Sightline.Imaging;
using Sightline.Objects;
using Sightline.ObjectStorage;
using Sightline.Outbound;
using Sightline.Storage;
using Sightline.Storage.Postgres;
using Sightline.Storage.Sqlite;
using Sightline.StoredVideo;
using Sightline.StoredVideo.Redaction;
using Sightline.Text;

namespace Sightline.Hosting;

/// <summary>
/// The composition root: the one place the core's object graph is built, for the server, every CLI command and
/// the tests. Engines load their models on first use, so a command that only reads the store loads none.
/// </summary>
public static class SightlineServices
{
    public static IServiceCollection AddSightline(this IServiceCollection services, SightlineOptions options)
    {
        // Camera statuses name the node that runs them; alerts the node that delivers them.
        options = options with { Live = options.Live with { Node = options.Node }, Alerts = options.Alerts with { Node = options.Node } };
        services.AddSingleton<IValidateOptions<SightlineOptions>, SightlineOptionsValidator>();
        services.AddSingleton<IOptionsFactory<SightlineOptions>>(sp => new FixedOptionsFactory<SightlineOptions>(options, sp.GetServices<IValidateOptions<SightlineOptions>>()));
        services.AddOptions<SightlineOptions>().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SightlineOptions>>().Value);
        services.AddSingleton(new StoreSecrets(options.Secrets));
        services.AddSingleton(TimeProvider.System);

        AddStorage(services, options);

        services.AddSingleton(options.Faces);
        services.AddSingleton(options.Labels);
        services.AddSingleton(options.Text);
        services.AddSingleton(options.Alerts);
        services.AddSingleton(_ => new FaceEngine(options.Faces));
        services.AddSingleton(sp => new FaceComparer(sp.GetRequiredService<FaceEngine>()));
        services.AddSingleton(_ => new TextEngine(options.Text));
        services.AddSingleton(_ => new LabelEngine(options.Labels));
        services.AddSingleton<ImageDecoder>();
        services.AddSingleton(_ => new OutboundPolicy(options.AllowOutbound));
        services.AddSingleton(sp => new ObjectStore(options.Buckets, options.S3, Path.Combine(options.DataDirectory, "tmp"), sp.GetRequiredService<OutboundPolicy>()));

        services.AddSingleton(sp => new AccessKeys(sp.GetRequiredService<IAccessKeyStore>(), options.Secrets, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CollectionIndexes(sp.GetRequiredService<ICollectionStore>(), sp.GetRequiredService<FaceEngine>().Embedder.Dimension, options.IndexDirectory));
        services.AddSingleton<CollectionService>();
        services.AddSingleton<IdentificationPipeline>();
        services.AddSingleton(sp => new VideoJobs(sp.GetRequiredService<IJobStore>(), sp.GetRequiredService<ObjectStore>(), sp.GetRequiredService<FaceEngine>(),
            sp.GetRequiredService<CollectionService>(), sp.GetRequiredService<LabelEngine>(), sp.GetRequiredService<TextEngine>(),
            sp.GetRequiredService<PlateDesk>(), sp.GetRequiredService<LiveDetector>(), Path.Combine(options.DataDirectory, "jobs"),
            sp.GetService<ILoggerFactory>()?.CreateLogger<VideoJobs>() ?? NullLogger<VideoJobs>.Instance, sp.GetRequiredService<JobNotifications>()) { Node = options.Node });
        services.AddSingleton(sp => new JobNotifications(options.JobTopics,
            new HttpClient(OutboundHttp.Handler(sp.GetRequiredService<OutboundPolicy>(), TimeSpan.FromSeconds(10))) { Timeout = Timeout.InfiniteTimeSpan },
            (topic, json) => sp.GetRequiredService<MqttFeed>().PublishJob(topic, json),
            sp.GetService<ILoggerFactory>()?.CreateLogger<JobNotifications>() ?? NullLogger<JobNotifications>.Instance));
        // Plate redaction loads the text and object models only when a redaction asks for plates.
        services.AddSingleton(sp => new VideoRedactor(sp.GetRequiredService<FaceEngine>(), () => sp.GetRequiredService<PlateDesk>().Reader));
        services.AddSingleton(sp => new RedactionJobs(sp.GetRequiredService<IJobStore>(), sp.GetRequiredService<ObjectStore>(), sp.GetRequiredService<VideoRedactor>(),
            sp.GetRequiredService<IAuditStore>(), sp.GetRequiredService<IFileStore>(), Path.Combine(options.DataDirectory, "redactions"),
            sp.GetService<ILoggerFactory>()?.CreateLogger<RedactionJobs>() ?? NullLogger<RedactionJobs>.Instance));

        services.AddSingleton<AlertQueue>();
        services.AddSingleton<IAlertEvaluator>(sp => new AlertEvaluator(sp.GetRequiredService<IAlertStore>(), sp.GetRequiredService<AlertQueue>(), options.Alerts));
        services.AddSingleton(new AlertSecrets(options.Secrets));
        services.AddSingleton(new AlertChannels(options.Smtp, options.SmsGateways));
        string eventsDirectory = Path.Combine(options.DataDirectory, "events");
        services.AddSingleton(sp => new WebhookDelivery(
            new HttpClient(OutboundHttp.Handler(sp.GetRequiredService<OutboundPolicy>(), options.Alerts.AttemptTimeout)) { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<IAlertStore>(), sp.GetRequiredService<IAuditStore>(),
            sp.GetRequiredService<AlertQueue>(), options.Alerts, sp.GetRequiredService<AlertSecrets>(),
            options.Smtp is { } smtp ? new EmailDelivery(smtp, options.Alerts, (id, ct) => sp.GetRequiredService<IFileStore>().TryGetLocalAsync(EventRecorder.SnapshotKey(id), ct)) : null,
            sp.GetRequiredService<AlertChannels>()));
        services.AddSingleton(sp => new LabelDesk(sp.GetRequiredService<LabelEngine>(), sp.GetRequiredService<IAlertEvaluator>()));
        services.AddSingleton(sp => new PlateDesk(new PlateReader(sp.GetRequiredService<TextEngine>(), sp.GetRequiredService<LabelEngine>().Detector),
            sp.GetRequiredService<IHotlistStore>(), sp.GetRequiredService<IAlertEvaluator>()));
        services.AddSingleton(options.Live);
        services.AddSingleton(new CameraSecrets(options.Secrets));
        services.AddSingleton(sp => new CameraDesk(sp.GetRequiredService<ICameraStore>(), sp.GetRequiredService<IDetectorStore>(), sp.GetRequiredService<CameraSecrets>(),
            options.Live, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new LiveDetector(sp.GetRequiredService<LabelEngine>(), sp.GetRequiredService<DetectorRegistry>(), sp.GetRequiredService<IDetectorStore>()));
        // One detection worker per core, each inference on one thread: cameras never oversubscribe the machine.
        services.AddSingleton(_ => new DetectionQueue(Environment.ProcessorCount, 2 * Environment.ProcessorCount));
        services.AddSingleton<EventHub>();
        services.AddSingleton(sp => new LiveServices(sp.GetRequiredService<LiveDetector>(), sp.GetRequiredService<DetectionQueue>(), sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<EventHub>(), sp.GetRequiredService<IAlertEvaluator>(), sp.GetRequiredService<IFileStore>(), eventsDirectory)
        {
            Faces = new FaceSearchServices(sp.GetRequiredService<FaceEngine>(), sp.GetRequiredService<CollectionService>(), sp.GetRequiredService<ILeadStore>(),
                sp.GetRequiredService<IAuditStore>(), sp.GetRequiredService<IPolicyStore>(), sp.GetRequiredService<AuthorizationBook>()),
            Plates = sp.GetRequiredService<PlateDesk>(),
        });
        services.AddSingleton(sp => new StreamProcessorDesk(sp.GetRequiredService<IStreamProcessorStore>(), sp.GetRequiredService<ICameraStore>(),
            sp.GetRequiredService<ICollectionStore>(), sp.GetRequiredService<IAuthorizationStore>(), sp.GetRequiredService<ObjectStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new StreamProcessorRunner(sp.GetRequiredService<IStreamProcessorStore>(), sp.GetRequiredService<ICameraStore>(),
            sp.GetRequiredService<IAuthorizationStore>(), sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<EventHub>(), sp.GetRequiredService<ObjectStore>(),
            sp.GetRequiredService<IFileStore>(),
            options.Live.StatusInterval, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()?.CreateLogger<StreamProcessorRunner>() ?? NullLogger<StreamProcessorRunner>.Instance));
        services.AddSingleton(sp => new AuthorizationBook(sp.GetRequiredService<IAuthorizationStore>(), sp.GetRequiredService<TimeProvider>(), options.Live.SyncInterval));
        services.AddSingleton(sp => new AuthorizationDesk(sp.GetRequiredService<IAuthorizationStore>(), sp.GetRequiredService<ICameraStore>(), sp.GetRequiredService<ICollectionStore>(),
            sp.GetRequiredService<IPolicyStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EventRetention(sp.GetRequiredService<ICameraStore>(), sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IFileStore>(), options.Live, eventsDirectory,
            sp.GetService<ILoggerFactory>()?.CreateLogger<EventRetention>() ?? NullLogger<EventRetention>.Instance));
        services.AddSingleton(sp => new LiveCameras(sp.GetRequiredService<ICameraStore>(), sp.GetRequiredService<CameraSecrets>(), sp.GetRequiredService<LiveServices>(), options.Live,
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, sp.GetService<ICameraPlacement>()));
        services.AddSingleton(sp => new Live.Video.LiveVideo(sp.GetRequiredService<LiveCameras>(), sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddSingleton(options.Mqtt);
        services.AddSingleton(sp => new MqttFeed(options.Mqtt, sp.GetRequiredService<EventHub>(), sp.GetRequiredService<CameraDesk>(), sp.GetRequiredService<IFileStore>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<MqttFeed>()));
        services.AddSingleton(sp => new DetectorRegistry(sp.GetRequiredService<IFileStore>(), sp.GetRequiredService<IDetectorStore>(), sp.GetRequiredService<IAlertEvaluator>()));
        return services;
    }

    /// <summary>Builds a container and runs the start-up validation (what a host does on start), for hosts that are not one.</summary>
    public static ServiceProvider BuildValidated(this IServiceCollection services)
    {
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return provider;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    private static void AddStorage(IServiceCollection services, SightlineOptions options)
    {
        // Validation has named any other choice as an error before a store is resolved.
        string? database = options.Database;
        if (database is not null && PostgresStorage.Accepts(database))
            services.AddPostgresStorage(database).AddPostgresFileStore(Path.Combine(options.DataDirectory, "files"));
        else
            services.AddSqliteStorage(SqliteStorage.PathOf(database, options.DataDirectory)).AddLocalFileStore(options.DataDirectory);
    }
}
