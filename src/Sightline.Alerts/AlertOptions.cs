namespace Sightline.Alerts;

/// <summary>Webhook delivery limits (documented in docs/alerts.md).</summary>
public sealed record AlertOptions
{
    /// <summary>Alerts waiting for delivery; when full a new alert is recorded with status 'dropped' and not sent.</summary>
    public int QueueCapacity { get; init; } = 1000;

    /// <summary>Retries after the first attempt, on 5xx, 408, 429, connection errors and timeouts.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>Delay before the first retry; it doubles with each further one (1, 2, 4, 8 s by default).</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take before it counts as a timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The node name alerts raised here carry (the core sets it to its node name).</summary>
    public string Node { get; init; } = "";

    /// <summary>Deliveries in flight at once (one slow receiver does not hold up the others).</summary>
    public int Concurrency { get; init; } = 4;
}
