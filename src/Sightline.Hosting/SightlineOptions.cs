using Sightline.Alerts;
using Sightline.Faces;
using Sightline.Live;
using Sightline.Models;
using Sightline.Objects;
using Sightline.ObjectStorage;
using Sightline.Text;

namespace Sightline.Hosting;

/// <summary>
/// Everything the core needs to be built, in one place with its defaults: where data and secrets live, which
/// database holds them, and the model pack and models each engine uses. The server and every CLI command build the
/// core from these with <see cref="SightlineServices.AddSightline"/>; they are validated before anything starts.
/// </summary>
public sealed record SightlineOptions
{
    /// <summary>Vector index snapshots, registered detectors and (with the embedded default) the database and secrets.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// The database: null for the embedded default (SQLite at <c>&lt;data&gt;/sightline.db</c>); a path,
    /// <c>sqlite:PATH</c> or <c>Data Source=PATH</c> for another SQLite file.
    /// </summary>
    public string? Database { get; init; }

    /// <summary>Key files (access keys' master key, audit seal key, alert signing key); default <c>&lt;data&gt;/secrets</c>.</summary>
    public string? SecretsDirectory { get; init; }

    public FaceEngineOptions Faces { get; init; } = new();

    public LabelEngineOptions Labels { get; init; } = new() { ModelsDirectory = ModelPaths.DefaultModelsDirectory };

    public TextEngineOptions Text { get; init; } = new() { ModelsDirectory = ModelPaths.DefaultModelsDirectory };

    public AlertOptions Alerts { get; init; } = new();

    public LiveOptions Live { get; init; } = new();

    /// <summary>Live events over MQTT: an embedded broker on loopback by default, an external broker, or off.</summary>
    public Live.Feeds.MqttOptions Mqtt { get; init; } = new();

    /// <summary>The SMTP server alert emails go through; null for none (rules with email addresses are then refused).</summary>
    public SmtpSettings? Smtp { get; init; }

    /// <summary>SMS gateways by name, each an HTTP request template rules send through (<c>--sms NAME:+NUMBER</c>).</summary>
    public IReadOnlyDictionary<string, SmsGateway> SmsGateways { get; init; } = new Dictionary<string, SmsGateway>();

    /// <summary>Local buckets for S3Object inputs: bucket name → directory.</summary>
    public IReadOnlyDictionary<string, string> Buckets { get; init; } = new Dictionary<string, string>();

    /// <summary>Stored-video jobs' NotificationChannel: SNS topic ARN → webhook URL or <c>mqtt</c> (<c>PREFIX/jobs/TOPIC</c>).</summary>
    public IReadOnlyDictionary<string, string> JobTopics { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// This process's name among those sharing its database (the host name by default): the leases of the jobs it runs
    /// carry it. Processes sharing one database need different names; a process started again keeps its name.
    /// </summary>
    public string Node { get; init; } = NodeNames.Default;

    /// <summary>An S3-compatible endpoint for buckets that are not local; null for none.</summary>
    public S3Settings? S3 { get; init; }

    /// <summary>
    /// Hosts (<c>HOST[:PORT]</c>) on loopback or private addresses that the server's own requests (alert webhooks, the S3
    /// endpoint) may reach; public addresses need no entry, link-local and cloud-metadata ones can never be allowed.
    /// </summary>
    public IReadOnlyList<string> AllowOutbound { get; init; } = [];

    public string Secrets => SecretsDirectory ?? Path.Combine(DataDirectory, "secrets");

    public string IndexDirectory => Path.Combine(DataDirectory, "indexes");

    /// <summary>The same options with every engine reading the model pack in <paramref name="modelsDirectory"/>.</summary>
    public SightlineOptions WithModels(string modelsDirectory) => this with
    {
        Faces = Faces with { ModelsDirectory = modelsDirectory },
        Labels = Labels with { ModelsDirectory = modelsDirectory },
        Text = Text with { ModelsDirectory = modelsDirectory },
    };
}
