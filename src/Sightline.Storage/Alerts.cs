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

/// <summary>"Label L with confidence ≥ C [centred in region R] → POST to the webhook." The secret signs the deliveries.</summary>
public sealed record AlertRule(string Id, string Label, float MinConfidence, NormalBox? Region, string WebhookUrl, string Secret, string? CreatedBy, DateTimeOffset CreatedAt);

public static class AlertStatus
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    /// <summary>The delivery queue was full when the alert was raised; it was recorded but not sent.</summary>
    public const string Dropped = "dropped";
}

/// <summary>One rule match: what was seen, where, from which source, and how its webhook delivery went.</summary>
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
}

/// <summary>
/// Alert rules (each change audited in its transaction) and the alerts they raised. Raising an alert and recording
/// its delivery are the system's own bookkeeping, not audited.
/// </summary>
public interface IAlertStore
{
    /// <summary>The record names the rule, its label and its webhook, never its secret.</summary>
    Task AddAlertRuleAsync(AuditEntry audit, AlertRule rule, CancellationToken cancellationToken);

    Task<IReadOnlyList<AlertRule>> ListAlertRulesAsync(CancellationToken cancellationToken);

    Task<AlertRule?> GetAlertRuleAsync(string id, CancellationToken cancellationToken);

    /// <summary>False (nothing recorded) when there was no such rule.</summary>
    Task<bool> DeleteAlertRuleAsync(AuditEntry audit, string id, CancellationToken cancellationToken);

    Task AddAlertsAsync(IReadOnlyList<AlertRecord> alerts, CancellationToken cancellationToken);

    Task SetAlertDeliveryAsync(string id, string status, int attempts, string? lastError, DateTimeOffset? deliveredAt, CancellationToken cancellationToken);

    /// <summary>Newest first; only one status when given.</summary>
    Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(string? status, int limit, CancellationToken cancellationToken);
}
