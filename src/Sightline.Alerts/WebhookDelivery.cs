using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Sightline.Outbound;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Sends queued alerts to their rules' webhooks: a JSON POST signed with <see cref="AlertRules.SignatureHeader"/>,
/// retried with exponential backoff on 5xx, 408, 429, connection failures and timeouts; the outcome (delivered or
/// failed, attempts, last error) is recorded on the alert. A delivery the outbound policy refuses (the webhook's name
/// now resolves to a link-local, metadata or unallowed private address) is also an audit record, so the attempt to
/// reach an internal address is in the tamper-evident log. Alerts still queued from a previous run are re-queued.
/// </summary>
public sealed class WebhookDelivery
{
    private readonly HttpClient _http;
    private readonly IAlertStore _store;
    private readonly IAuditStore _audit;
    private readonly AlertQueue _queue;
    private readonly AlertOptions _options;
    private readonly AlertSecrets _secrets;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>The audit entry of a refused delivery: no caller made it, so the actor is the delivery itself.</summary>
    public static AuditEntry RefusedEntry { get; } = new("system:alerts", "system", "DeliverAlert") { Outcome = "RefusedByOutboundPolicy" };

    public WebhookDelivery(HttpClient http, IAlertStore store, IAuditStore audit, AlertQueue queue, AlertOptions options, AlertSecrets secrets)
    {
        (_http, _store, _audit, _queue, _options, _secrets) = (http, store, audit, queue, options, secrets);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.FirstRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>(ex => OutboundPolicy.RefusalIn(ex) is null) // a refused address stays refused
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Queues again the alerts a previous run left undelivered (oldest first); call once at start.</summary>
    public async Task RequeuePendingAsync(CancellationToken ct)
    {
        foreach (var pending in (await _store.ListAlertsAsync(AlertStatus.Queued, _queue.Capacity, ct).ConfigureAwait(false)).Reverse())
        {
            if (!_queue.TryEnqueue(pending))
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
        byte[] body = Payload(alert);
        string signature = AlertRules.Sign(_secrets.Resolve(rule), body);
        int attempts = 0;
        string? error = null;
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Post, rule.WebhookUrl) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add(AlertRules.SignatureHeader, signature);
                request.Headers.Add("X-Sightline-Alert", alert.Id);
                // Only the status matters: the body is never read, however large.
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                // The webhook has it: recorded even when the worker is stopping.
                await _store.SetAlertDeliveryAsync(alert.Id, AlertStatus.Delivered, attempts, null, DateTimeOffset.UtcNow, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            error = ex.Message;
            if (OutboundPolicy.RefusalIn(ex) is { } refused)
            {
                error = "refused by the outbound policy: " + refused.Message;
                // Before the alert's outcome: should the process stop in between, the alert is delivered (and refused
                // and recorded) again at the next start rather than refused without a record.
                await _audit.AppendAuditAsync(RefusedEntry with { Details = RefusalDetails(alert, rule, refused.Message) }, CancellationToken.None).ConfigureAwait(false);
            }
        }
        await _store.SetAlertDeliveryAsync(alert.Id, AlertStatus.Failed, attempts, error, null, ct).ConfigureAwait(false);
    }

    private static string RefusalDetails(AlertRecord alert, AlertRule rule, string reason)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("alertId", alert.Id);
            w.WriteString("ruleId", rule.Id);
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
            w.WriteString("at", alert.At.ToString("O", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
