using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Sightline.Outbound;

namespace Sightline.Alerts;

/// <summary>How one channel's delivery of an alert went: attempts made, the last error, or the outbound policy's refusal.</summary>
public sealed record DeliveryOutcome(bool Delivered, int Attempts, string? Error, string? Refused = null)
{
    public static DeliveryOutcome Failed(string error) => new(false, 0, error);
}

/// <summary>
/// Sends an alert's HTTP request (webhook or SMS gateway) through the outbound-policy client, retried with exponential
/// backoff on 5xx, 408, 429, connection failures and timeouts; a refused address is never retried.
/// </summary>
public sealed class HttpAlertSender
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public HttpAlertSender(HttpClient http, AlertOptions options)
    {
        _http = http;
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

    /// <param name="request">Builds a fresh request for each attempt.</param>
    public async Task<DeliveryOutcome> SendAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        int attempts = 0;
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var message = request();
                // Only the status matters: the body is never read, however large.
                return await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? new DeliveryOutcome(true, attempts, null) : new DeliveryOutcome(false, attempts, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            return OutboundPolicy.RefusalIn(ex) is { } refused
                ? new DeliveryOutcome(false, attempts, "refused by the outbound policy: " + refused.Message, refused.Message)
                : new DeliveryOutcome(false, attempts, ex.Message);
        }
    }
}
