using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sightline.Alerts;

namespace Sightline.Server;

/// <summary>Delivers alerts from the bounded queue to their webhooks for the server's lifetime (the work is <see cref="WebhookDelivery"/>'s).</summary>
public sealed partial class AlertDeliveryWorker(WebhookDelivery delivery, ServerOptions server, ILogger<AlertDeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A cluster node takes back only its own queue: the alerts of a node that died are taken over by one survivor.
        await delivery.RequeuePendingAsync(ownOnly: server.Cluster is not null, stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await delivery.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex); // a store failure mid-delivery; the loop resumes with the next alert
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "alert delivery failed; resuming")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
