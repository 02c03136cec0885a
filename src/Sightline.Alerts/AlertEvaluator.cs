using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Matches instances against the rules: same label (case-insensitive), confidence at least the rule's, and, when
/// the rule has a region, the instance's box centre inside it. Matches are stored, then queued for delivery; an
/// alert that finds the queue full is stored as 'dropped'.
/// </summary>
public sealed class AlertEvaluator(IAlertStore store, AlertQueue queue) : IAlertEvaluator
{
    public float? LowestMinConfidence() => store.ListAlertRules() is { Count: > 0 } rules ? rules.Min(r => r.MinConfidence) : null;

    public IReadOnlyList<AlertRecord> Evaluate(string source, string? imageRef, IReadOnlyList<LabelledBox> boxes)
    {
        if (boxes.Count == 0)
            return [];
        var rules = store.ListAlertRules();
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
        store.AddAlerts(raised);
        for (int i = 0; i < raised.Count; i++)
        {
            if (!queue.TryEnqueue(raised[i]))
            {
                store.SetAlertDelivery(raised[i].Id, AlertStatus.Dropped, 0, $"the delivery queue was full ({queue.Capacity} alerts waiting)", null);
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
