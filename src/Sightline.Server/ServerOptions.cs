namespace Sightline.Server;

/// <summary>How the server listens and protects itself. Every limit here is documented in docs/operations.md.</summary>
public sealed record ServerOptions
{
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Largest request body: base64 of a 5 MiB image plus JSON framing (AWS API); 15 MiB image uploads (native API).</summary>
    public long MaxRequestBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Requests processed at once; more wait in the queue.</summary>
    public int MaxConcurrentRequests { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>Open server-sent event streams (/v1/events/stream) at once; one more is answered 429.</summary>
    public int MaxEventStreams { get; init; } = 64;

    /// <summary>Requests waiting for a slot; beyond this a request is refused at once with 429 / ThrottlingException.</summary>
    public int QueueLimit { get; init; } = 32;

    /// <summary>Failed authentications a source address may make at once before its requests are refused.</summary>
    public int AuthFailureBurst { get; init; } = 30;

    /// <summary>How fast an address earns failed attempts back.</summary>
    public int AuthFailuresPerMinute { get; init; } = 30;

    /// <summary>How far a signature's time may be from the server's.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Write logs as JSON lines (one object per event) instead of text.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>The Orleans cluster this server joins as a node ('serve --cluster'); null to run alone.</summary>
    public Cluster.ClusterSettings? Cluster { get; init; }

    /// <summary>How often retention rules are applied (also once at start).</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);
}
