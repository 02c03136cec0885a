using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Matches instances against the rules: same label (case-insensitive), confidence at least the rule's, and, when
/// the rule has a region, the instance's box centre inside it; a rule naming cameras or zones matches only camera
/// events (<see cref="EvaluateEventAsync"/>). Each match raises one alert per channel of the rule; the alerts are
/// stored, then queued for delivery; an alert that finds the queue full is stored as 'dropped'.
/// </summary>
public sealed class AlertEvaluator(IAlertStore store, AlertQueue queue, AlertOptions options) : IAlertEvaluator
{
    public async Task<float?> LowestMinConfidenceAsync(CancellationToken cancellationToken) =>
        await store.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false) is { Count: > 0 } rules ? rules.Min(r => r.MinConfidence) : null;

    public async Task<IReadOnlyList<AlertRecord>> EvaluateAsync(string source, string? imageRef, IReadOnlyList<LabelledBox> boxes, CancellationToken cancellationToken)
    {
        if (boxes.Count == 0)
            return [];
        var rules = await store.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var raised = new List<AlertRecord>();
        foreach (var rule in rules.Where(r => r.Cameras.Count == 0 && r.Zones.Count == 0))
        {
            foreach (var box in boxes)
            {
                if (Matches(rule, box))
                    raised.AddRange(Alerts(rule, box, source, imageRef, [], now));
            }
        }
        return await RaiseAsync(raised, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertRecord>> EvaluateEventAsync(CameraEventAlert ev, IReadOnlyList<string>? zonesBefore, CancellationToken cancellationToken)
    {
        var rules = await store.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false);
        var box = new LabelledBox(ev.Label, ev.Score, ev.Box);
        var raised = new List<AlertRecord>();
        foreach (var rule in rules)
        {
            if (FiresFor(rule, ev.Camera, ev.Zones, zonesBefore) && Matches(rule, box))
                raised.AddRange(Alerts(rule, box, AlertMessage.CameraPrefix + ev.Camera, AlertMessage.EventPrefix + ev.EventId, ev.Zones, ev.At));
        }
        return await RaiseAsync(raised, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether an event of <paramref name="camera"/> now in <paramref name="zones"/> (null <paramref name="zonesBefore"/>:
    /// a new event) fires <paramref name="rule"/>, label aside: a rule without zones fires when the event starts; a rule
    /// with zones when the event is first in one of them. Zones entered only accumulate, so that happens once per event.
    /// </summary>
    public static bool FiresFor(AlertRule rule, string camera, IReadOnlyList<string> zones, IReadOnlyList<string>? zonesBefore)
    {
        if (rule.Cameras.Count > 0 && !rule.Cameras.Contains(camera, StringComparer.Ordinal))
            return false;
        if (rule.Zones.Count == 0)
            return zonesBefore is null;
        return rule.Zones.Any(zones.Contains) && (zonesBefore is null || !rule.Zones.Any(zonesBefore.Contains));
    }

    public static bool Matches(AlertRule rule, LabelledBox box) =>
        string.Equals(rule.Label, box.Label, StringComparison.OrdinalIgnoreCase)
        && box.Confidence >= rule.MinConfidence
        && (rule.Region?.ContainsCentreOf(box.Box) ?? true);

    /// <summary>One alert per channel of the rule: its webhook, its email addresses (one message), each SMS target.</summary>
    private static IEnumerable<AlertRecord> Alerts(AlertRule rule, LabelledBox box, string source, string? imageRef, IReadOnlyList<string> zones, DateTimeOffset at)
    {
        var channels = (rule.WebhookUrl is null ? [] : new[] { AlertChannel.Webhook })
            .Concat(rule.Emails.Count > 0 ? [AlertChannel.Email] : [])
            .Concat(rule.Sms.Select(s => AlertChannel.SmsPrefix + s));
        foreach (string channel in channels)
            yield return new AlertRecord("alert-" + Guid.NewGuid().ToString("N"), rule.Id, box.Label, box.Confidence, box.Box, source, imageRef, at) { Channel = channel, Zones = zones };
    }

    private async Task<IReadOnlyList<AlertRecord>> RaiseAsync(List<AlertRecord> raised, CancellationToken cancellationToken)
    {
        if (raised.Count == 0)
            return [];
        for (int i = 0; i < raised.Count; i++)
            raised[i] = raised[i] with { Node = options.Node };
        await store.AddAlertsAsync(raised, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < raised.Count; i++)
        {
            if (!queue.TryEnqueue(raised[i]))
            {
                // The alerts are stored: recording a drop is not abandoned half-way for a caller that went away.
                await store.SetAlertDeliveryAsync(raised[i].Id, AlertStatus.Dropped, 0, $"the delivery queue was full ({queue.Capacity} alerts waiting)", null, CancellationToken.None).ConfigureAwait(false);
                raised[i] = raised[i] with { Status = AlertStatus.Dropped };
            }
        }
        return raised;
    }
}
