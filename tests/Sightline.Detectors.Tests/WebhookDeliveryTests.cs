using System.Net;
using Sightline.Alerts;
using Sightline.Storage;

namespace Sightline.Detectors.Tests;

/// <summary>Delivery outcomes: timeouts and 5xx are retried with backoff, other 4xx are not, a refused address is not retried.</summary>
public sealed class WebhookDeliveryTests : IDisposable
{
    private static readonly AlertOptions s_fast = new() { FirstRetryDelay = TimeSpan.FromMilliseconds(20), AttemptTimeout = TimeSpan.FromMilliseconds(300), MaxRetries = 2 };
    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    /// <summary>Answers each attempt with the next behaviour: a status code, or null to hang until cancelled (a timeout).</summary>
    private sealed class ScriptedHandler(params HttpStatusCode?[] script) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var next = script[Math.Min(Calls++, script.Length - 1)];
            if (next is null)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            return new HttpResponseMessage(next!.Value);
        }
    }

    private async Task<(AlertRecord Alert, int Calls)> DeliverAsync(params HttpStatusCode?[] script)
    {
        var secrets = new AlertSecrets(Path.Combine(_f.Data, "secrets"));
        var (rule, _) = AlertRules.Create("gun", 10, null, "http://127.0.0.1:9/hook", null, DateTimeOffset.UtcNow, secrets, new Sightline.Outbound.OutboundPolicy(["127.0.0.1"]));
        await _f.Alerts.AddAlertRuleAsync(RegistryFixture.TestEntry, rule, RegistryFixture.Ct);
        var queue = new AlertQueue(s_fast);
        var raised = await new AlertEvaluator(_f.Alerts, queue, new AlertOptions()).EvaluateAsync("test", null, [new LabelledBox("gun", 90, new NormalBox(0, 0, 1, 1))], RegistryFixture.Ct);
        var handler = new ScriptedHandler(script);
        using var http = new HttpClient(handler);
        await new WebhookDelivery(http, _f.Alerts, _f.Audit, queue, s_fast, secrets).DeliverAsync(raised.Single(), CancellationToken.None);
        return ((await _f.Alerts.ListAlertsAsync(null, 1, RegistryFixture.Ct)).Single(), handler.Calls);
    }

    [Fact]
    public async Task A_timeout_then_a_503_are_retried_until_delivered()
    {
        var (alert, calls) = await DeliverAsync(null, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent);
        Assert.Equal((AlertStatus.Delivered, 3, 3), (alert.Status, alert.Attempts, calls));
        Assert.NotNull(alert.DeliveredAt);
    }

    [Fact]
    public async Task Retries_stop_after_the_limit_and_the_failure_is_recorded()
    {
        var (alert, calls) = await DeliverAsync(HttpStatusCode.InternalServerError);
        Assert.Equal((AlertStatus.Failed, 3, 3), (alert.Status, alert.Attempts, calls));
        Assert.Contains("500", alert.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        var (alert, calls) = await DeliverAsync(HttpStatusCode.NotFound);
        Assert.Equal((AlertStatus.Failed, 1, 1), (alert.Status, alert.Attempts, calls));
    }

    [Fact]
    public async Task A_rule_whose_address_became_refused_fails_once_at_delivery_with_the_reason()
    {
        // The rule was made while its host was allowed; the server delivering it allows nothing on loopback now (as
        // when a name starts resolving to an internal address): the connection is refused, not retried, and says why.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            var secrets = new AlertSecrets(Path.Combine(_f.Data, "secrets"));
            var (rule, _) = AlertRules.Create("gun", 10, null, $"http://127.0.0.1:{port}/hook", null, DateTimeOffset.UtcNow, secrets,
                new Sightline.Outbound.OutboundPolicy([$"127.0.0.1:{port}"]));
            await _f.Alerts.AddAlertRuleAsync(RegistryFixture.TestEntry, rule, RegistryFixture.Ct);
            var queue = new AlertQueue(s_fast);
            var raised = await new AlertEvaluator(_f.Alerts, queue, new AlertOptions()).EvaluateAsync("test", null, [new LabelledBox("gun", 90, new NormalBox(0, 0, 1, 1))], RegistryFixture.Ct);
            using var http = new HttpClient(Sightline.Outbound.OutboundHttp.Handler(Sightline.Outbound.OutboundPolicy.PublicOnly, TimeSpan.FromSeconds(2)));
            await new WebhookDelivery(http, _f.Alerts, _f.Audit, queue, s_fast, secrets).DeliverAsync(raised.Single(), CancellationToken.None);
            var alert = (await _f.Alerts.ListAlertsAsync(null, 1, RegistryFixture.Ct)).Single();
            Assert.Equal((AlertStatus.Failed, 1), (alert.Status, alert.Attempts));
            Assert.Contains("refused by the outbound policy", alert.LastError, StringComparison.Ordinal);
            Assert.False(listener.Pending(), "no connection reached the refused address");
            var records = await _f.Audit.ReadAuditAsync(0, 100, RegistryFixture.Ct);
            var refusal = Assert.Single(records, r => r.Entry.Operation == "DeliverAlert");
            Assert.Equal(("system:alerts", "RefusedByOutboundPolicy"), (refusal.Entry.Actor, refusal.Entry.Outcome));
            Assert.Contains(alert.Id, refusal.Entry.Details, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{port}", refusal.Entry.Details, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }
}
