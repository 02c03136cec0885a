using System.Net.Http.Headers;
using System.Text;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Sends an alert to one SMS target (<c>GATEWAY:NUMBER</c>) by filling in the gateway's request template. The
/// Authorization value is read from its file at each delivery (a rotated file is picked up) and never logged.
/// </summary>
public sealed class SmsDelivery(AlertChannels channels, HttpAlertSender sender)
{
    public async Task<DeliveryOutcome> SendAsync(AlertRecord alert, string target, CancellationToken ct)
    {
        int colon = target.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !channels.Gateways.TryGetValue(target[..colon], out var gateway))
            return DeliveryOutcome.Failed($"no SMS gateway named '{(colon > 0 ? target[..colon] : target)}' is configured");
        var request = Render(gateway, alert, target[(colon + 1)..]);
        string? authorization = null;
        if (gateway.AuthorizationFile is { } file)
        {
            try
            {
                authorization = (await File.ReadAllTextAsync(file, ct).ConfigureAwait(false)).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return DeliveryOutcome.Failed($"the gateway's AuthorizationFile could not be read ({ex.GetType().Name})");
            }
        }
        return await sender.SendAsync(() => request.ToMessage(authorization), ct).ConfigureAwait(false);
    }

    /// <summary>The gateway's request for one alert and number: URL, method, headers and body with the placeholders filled in.</summary>
    public static SmsRequest Render(SmsGateway gateway, AlertRecord alert, string number)
    {
        var values = AlertMessage.Values(alert, number);
        string url = SmsTemplate.Render(gateway.Url, values, SmsTemplate.Escaping.Url);
        string body = SmsTemplate.Render(gateway.Body, values, SmsTemplate.ForContentType(gateway.ContentType));
        var headers = gateway.Headers.ToDictionary(h => h.Key, h => SmsTemplate.Render(h.Value, values, SmsTemplate.Escaping.Plain));
        return new SmsRequest(new Uri(url), new HttpMethod(gateway.Method.ToUpperInvariant()), gateway.ContentType, body, headers);
    }
}

/// <summary>A rendered gateway request (its Authorization is added only when the message is built).</summary>
public sealed record SmsRequest(Uri Url, HttpMethod Method, string ContentType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public HttpRequestMessage ToMessage(string? authorization)
    {
        var message = new HttpRequestMessage(Method, Url);
        if (Method != HttpMethod.Get)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        }
        foreach (var (name, value) in Headers)
            message.Headers.TryAddWithoutValidation(name, value);
        if (authorization is { Length: > 0 })
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        return message;
    }
}
