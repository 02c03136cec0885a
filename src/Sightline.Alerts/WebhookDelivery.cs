using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Outbound;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Delivers queued alerts, each on its channel: the rule's webhook (a JSON POST signed with
/// <see cref="AlertRules.SignatureHeader"/>), email (<see cref="EmailDelivery"/>) or an SMS gateway
/// (<see cref="SmsDelivery"/>), retried with exponential backoff; the outcome (delivered or failed, attempts, last
/// error) is recorded on the alert. An HTTP delivery the outbound policy refuses (the webhook's or gateway's name now
/// resolves to a link-local, metadata or unallowed private address) is also an audit record, so the attempt to reach
/// an internal address is in the tamper-evident log. Alerts still queued from a previous run are re-queued.
/// </summary>
public sealed class WebhookDelivery
{
    private readonly HttpAlertSender _sender;
    private readonly IAlertStore _store;
    private readonly IAuditStore _audit;
    private readonly AlertQueue _queue;
    private readonly AlertOptions _options;
    private readonly AlertSecrets _secrets;
    private readonly EmailDelivery? _email;
    private readonly SmsDelivery? _sms;

    /// <summary>The audit entry of a refused delivery: no caller made it, so the actor is the delivery itself.</summary>
    public static AuditEntry RefusedEntry { get; } = new("system:alerts", "system", "DeliverAlert") { Outcome = "RefusedByOutboundPolicy" };

    /// <param name="email">Null when no SMTP server is configured (email alerts then fail, saying so).</param>
    /// <param name="channels">The SMS gateways; none when null.</param>
    public WebhookDelivery(HttpClient http, IAlertStore store, IAuditStore audit, AlertQueue queue, AlertOptions options, AlertSecrets secrets,
        EmailDelivery? email = null, AlertChannels? channels = null)
    {
        (_store, _audit, _queue, _options, _secrets, _email) = (store, audit, queue, options, secrets, email);
        _sender = new HttpAlertSender(http, options);
        _sms = channels is null ? null : new SmsDelivery(channels, _sender);
    }

    /// <summary>
    /// Queues again the alerts a previous run left undelivered (oldest first); call once at start. A cluster node
    /// takes only its own (and those from before node names); a server alone takes every queued alert.
    /// </summary>
    public async Task RequeuePendingAsync(bool ownOnly, CancellationToken ct)
    {
        var pending = ownOnly
            ? [.. await _store.TakeOverAlertsAsync(_options.Node, _options.Node, _queue.Capacity, ct).ConfigureAwait(false),
                .. await _store.TakeOverAlertsAsync("", _options.Node, _queue.Capacity, ct).ConfigureAwait(false)]
            : (await _store.ListAlertsAsync(AlertStatus.Queued, _queue.Capacity, ct).ConfigureAwait(false)).Reverse().ToList();
        Enqueue(pending);
    }

    /// <summary>
    /// Takes over the queued alerts of <paramref name="deadNode"/> (a cluster node that died) and queues them here;
    /// each goes to one survivor. Returns how many.
    /// </summary>
    public async Task<int> TakeOverAsync(string deadNode, CancellationToken ct)
    {
        var taken = await _store.TakeOverAlertsAsync(deadNode, _options.Node, _queue.Capacity, ct).ConfigureAwait(false);
        Enqueue(taken);
        return taken.Count;
    }

    /// <summary>Alerts past the queue's capacity stay queued in the store for the next start.</summary>
    private void Enqueue(IEnumerable<AlertRecord> alerts)
    {
        foreach (var alert in alerts)
        {
            if (!_queue.TryEnqueue(alert))
                break;
        }
    }

    /// <summary>Delivers until cancelled, <see cref="AlertOptions.Concurrency"/> at a time.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await Parallel.ForEachAsync(_queue.Reader.ReadAllAsync(ct), new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct },
            async (alert, token) => await DeliverAsync(alert, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public async Task DeliverAsync(AlertRecord alert, CancellationToken ct)
    {
        var rule = await _store.GetAlertRuleAsync(alert.RuleId, ct).ConfigureAwait(false);
        if (rule is null)
        {
            await _store.SetAlertDeliveryAsync(alert.Id, AlertStatus.Failed, 0, "the rule was removed before delivery", null, ct).ConfigureAwait(false);
            return;
        }
        var outcome = alert.Channel switch
        {
            AlertChannel.Webhook => rule.WebhookUrl is { } url ? await SendWebhookAsync(alert, rule, url, ct).ConfigureAwait(false) : DeliveryOutcome.Failed("the rule has no webhook"),
            AlertChannel.Email => _email is null ? DeliveryOutcome.Failed("no SMTP server is configured (Smtp)") : await _email.SendAsync(alert, rule, ct).ConfigureAwait(false),
            var c when c.StartsWith(AlertChannel.SmsPrefix, StringComparison.Ordinal) => _sms is null ? DeliveryOutcome.Failed("no SMS gateways are configured")
                : await _sms.SendAsync(alert, c[AlertChannel.SmsPrefix.Length..], ct).ConfigureAwait(false),
            var c => DeliveryOutcome.Failed($"unknown channel '{c}'"),
        };
        if (outcome.Delivered)
        {
            // The receiver has it: recorded even when the worker is stopping.
            await _store.SetAlertDeliveryAsync(alert.Id, AlertStatus.Delivered, outcome.Attempts, null, DateTimeOffset.UtcNow, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        if (outcome.Refused is { } refused)
        {
            // Before the alert's outcome: should the process stop in between, the alert is delivered (and refused
            // and recorded) again at the next start rather than refused without a record.
            await _audit.AppendAuditAsync(RefusedEntry with { Details = RefusalDetails(alert, rule, refused) }, CancellationToken.None).ConfigureAwait(false);
        }
        await _store.SetAlertDeliveryAsync(alert.Id, AlertStatus.Failed, outcome.Attempts, outcome.Error, null, ct).ConfigureAwait(false);
    }

    private Task<DeliveryOutcome> SendWebhookAsync(AlertRecord alert, AlertRule rule, string url, CancellationToken ct)
    {
        byte[] body = Payload(alert);
        string signature = AlertRules.Sign(_secrets.Resolve(rule), body);
        return _sender.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(AlertRules.SignatureHeader, signature);
            request.Headers.Add("X-Sightline-Alert", alert.Id);
            return request;
        }, ct);
    }

    private static string RefusalDetails(AlertRecord alert, AlertRule rule, string reason)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("alertId", alert.Id);
            w.WriteString("ruleId", rule.Id);
            w.WriteString("channel", alert.Channel.StartsWith(AlertChannel.SmsPrefix, StringComparison.Ordinal) ? "sms" : alert.Channel);
            if (alert.Channel == AlertChannel.Webhook)
                w.WriteString("webhookHost", Uri.TryCreate(rule.WebhookUrl, UriKind.Absolute, out var url) ? url.Authority : rule.WebhookUrl);
            w.WriteString("reason", reason);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The webhook body: the alert as JSON (camelCase); the signature covers exactly these bytes.</summary>
    public static byte[] Payload(AlertRecord alert)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("alertId", alert.Id);
            w.WriteString("ruleId", alert.RuleId);
            w.WriteString("label", alert.Label);
            w.WriteNumber("confidence", alert.Confidence);
            w.WriteStartObject("boundingBox");
            w.WriteNumber("left", alert.Box.Left);
            w.WriteNumber("top", alert.Box.Top);
            w.WriteNumber("width", alert.Box.Width);
            w.WriteNumber("height", alert.Box.Height);
            w.WriteEndObject();
            w.WriteString("source", alert.Source);
            if (alert.ImageRef is { } image)
                w.WriteString("imageRef", image);
            if (alert.Zones.Count > 0)
            {
                w.WriteStartArray("zones");
                foreach (string zone in alert.Zones)
                    w.WriteStringValue(zone);
                w.WriteEndArray();
            }
            w.WriteString("at", alert.At.ToString("O", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
