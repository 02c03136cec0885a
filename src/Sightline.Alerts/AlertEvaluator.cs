using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Matches instances against the rules: same label (case-insensitive), confidence at least the rule's, and, when
/// the rule has a region, the instance's box centre inside it. Matches are stored, then queued for delivery; an
/// alert that finds the queue full is stored as 'dropped'.
/// </summary>
public sealed class AlertEvaluator(IAlertStore store, AlertQueue queue) : IAlertEvaluator
{
    public async Task<float?> LowestMinConfidenceAsync(CancellationToken cancellationToken) =>
        await store.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false) is { Count: > 0 } rules ? rules.Min(r => r.MinConfidence) : null;

    public async Task<IReadOnlyList<AlertRecord>> EvaluateAsync(string source, string? imageRef, IReadOnlyList<LabelledBox> boxes, CancellationToken cancellationToken)
    {
        if (boxes.Count == 0)
            return [];
        var rules = await store.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false);
        if (rules.Count == 0)
            return [];
        var now = DateTimeOffset.UtcNow;
        var raised = new List<AlertRecord>();
        foreach (var rule in rules)
        {
            foreach (var box in boxes)
            {
                if (Matches(rule, box))
                    raised.Add(new AlertRecord("alert-" + Guid.NewGuid().ToString("N"), rule.Id, box.Label, box.Confidence, box.Box, source, imageRef, now));
            }
        }
        if (raised.Count == 0)
            return [];
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

    public static bool Matches(AlertRule rule, LabelledBox box) =>
        string.Equals(rule.Label, box.Label, StringComparison.OrdinalIgnoreCase)
        && box.Confidence >= rule.MinConfidence
        && (rule.Region?.ContainsCentreOf(box.Box) ?? true);
}
