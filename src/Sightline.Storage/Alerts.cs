namespace Sightline.Storage;

/// <summary>A box in normalised image coordinates (0–1), as Rekognition's BoundingBox.</summary>
public sealed record NormalBox(float Left, float Top, float Width, float Height)
{
    public bool ContainsCentreOf(NormalBox box)
    {
        float cx = box.Left + box.Width / 2, cy = box.Top + box.Height / 2;
        return cx >= Left && cx <= Left + Width && cy >= Top && cy <= Top + Height;
    }
}

/// <summary>
/// "Label L with confidence ≥ C [centred in region R] [from cameras …] [in zones …] → the webhook, email, SMS." The
/// secret signs webhook deliveries. A rule has at least one channel; one naming cameras or zones matches camera events
/// only.
/// </summary>
public sealed record AlertRule(string Id, string Label, float MinConfidence, NormalBox? Region, string? WebhookUrl, string Secret, string? CreatedBy, DateTimeOffset CreatedAt)
{
    /// <summary>Cameras whose events match; none for any source.</summary>
    public IReadOnlyList<string> Cameras { get; init; } = [];

    /// <summary>Zones an event must be in (or enter); none for anywhere.</summary>
    public IReadOnlyList<string> Zones { get; init; } = [];

    /// <summary>Addresses that receive the alert by email (one message to all).</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];

    /// <summary>SMS targets as <c>GATEWAY:NUMBER</c>, each sent through the named gateway template.</summary>
    public IReadOnlyList<string> Sms { get; init; } = [];

    /// <summary>Value equality, the lists compared by their items.</summary>
    public bool Equals(AlertRule? other) =>
        other is not null && (Id, Label, MinConfidence, Region, WebhookUrl, Secret, CreatedBy, CreatedAt) == (other.Id, other.Label, other.MinConfidence, other.Region, other.WebhookUrl, other.Secret, other.CreatedBy, other.CreatedAt)
        && Cameras.SequenceEqual(other.Cameras) && Zones.SequenceEqual(other.Zones) && Emails.SequenceEqual(other.Emails) && Sms.SequenceEqual(other.Sms);

    public override int GetHashCode() => HashCode.Combine(Id, Label, MinConfidence, WebhookUrl, CreatedAt);
}

/// <summary>Where an alert goes: each channel of a rule gets its own alert record and delivery status.</summary>
public static class AlertChannel
{
    public const string Webhook = "webhook";
    public const string Email = "email";

    /// <summary>The channel of one SMS target: <c>sms:GATEWAY:NUMBER</c>.</summary>
    public const string SmsPrefix = "sms:";
}

public static class AlertStatus
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    /// <summary>The delivery queue was full when the alert was raised; it was recorded but not sent.</summary>
    public const string Dropped = "dropped";
}

/// <summary>One rule match on one channel: what was seen, where, from which source, and how its delivery went.</summary>
public sealed record AlertRecord(
    string Id,
    string RuleId,
    string Label,
    float Confidence,
    NormalBox Box,
    string Source,
    string? ImageRef,
    DateTimeOffset At)
{
    public string Status { get; init; } = AlertStatus.Queued;

    public int Attempts { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary><see cref="AlertChannel.Webhook"/>, <see cref="AlertChannel.Email"/> or <c>sms:GATEWAY:NUMBER</c>.</summary>
    public string Channel { get; init; } = AlertChannel.Webhook;

    /// <summary>The camera zones the event was in when the alert was raised (none for other sources).</summary>
    public IReadOnlyList<string> Zones { get; init; } = [];

    /// <summary>The node that raised the alert and delivers it; a survivor takes its queued alerts over when it dies ('' before node names).</summary>
    public string Node { get; init; } = "";

    /// <summary>Value equality, the zones compared by their items.</summary>
    public bool Equals(AlertRecord? other) =>
        other is not null && (Id, RuleId, Label, Confidence, Box, Source, ImageRef, At) == (other.Id, other.RuleId, other.Label, other.Confidence, other.Box, other.Source, other.ImageRef, other.At)
        && (Status, Attempts, LastError, DeliveredAt, Channel, Node) == (other.Status, other.Attempts, other.LastError, other.DeliveredAt, other.Channel, other.Node) && Zones.SequenceEqual(other.Zones);

    public override int GetHashCode() => HashCode.Combine(Id, RuleId, Status, At);
}

/// <summary>
/// Alert rules (each change audited in its transaction) and the alerts they raised. Raising an alert and recording
/// its delivery are the system's own bookkeeping, not audited.
/// </summary>
public interface IAlertStore
{
    /// <summary>The record names the rule, its label and its channels, never its secret.</summary>
    Task AddAlertRuleAsync(AuditEntry audit, AlertRule rule, CancellationToken cancellationToken);

    Task<IReadOnlyList<AlertRule>> ListAlertRulesAsync(CancellationToken cancellationToken);

    Task<AlertRule?> GetAlertRuleAsync(string id, CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when there was no such rule.</summary>
    Task<bool> DeleteAlertRuleAsync(AuditEntry audit, string id, CancellationToken cancellationToken);

    Task AddAlertsAsync(IReadOnlyList<AlertRecord> alerts, CancellationToken cancellationToken);

    Task SetAlertDeliveryAsync(string id, string status, int attempts, string? lastError, DateTimeOffset? deliveredAt, CancellationToken cancellationToken);

    /// <summary>Newest first; only one status when given.</summary>
    Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(string? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the oldest <paramref name="limit"/> queued alerts of node <paramref name="fromNode"/> node
    /// <paramref name="toNode"/>'s and returns them, oldest first. Each alert goes to one caller however many race
    /// (a dead node's alerts are delivered by one survivor); from a node to itself it lists that node's queue.
    /// </summary>
    Task<IReadOnlyList<AlertRecord>> TakeOverAlertsAsync(string fromNode, string toNode, int limit, CancellationToken cancellationToken);
}

/// <summary>How both providers store a rule's lists and an alert's zones (JSON arrays) and a rule without a webhook ('').</summary>
public static class AlertFields
{
    public static string List(IReadOnlyList<string> values) => System.Text.Json.JsonSerializer.Serialize(values.ToArray(), CameraJson.Default.StringArray);

    public static IReadOnlyList<string> List(string json) => System.Text.Json.JsonSerializer.Deserialize(json, CameraJson.Default.StringArray) ?? [];

    /// <summary>The webhook column predates optional webhooks and is NOT NULL: a rule without one stores ''.</summary>
    public static string StoredWebhook(string? url) => url ?? "";

    public static string? Webhook(string stored) => stored.Length == 0 ? null : stored;
}
