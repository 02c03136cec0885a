using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sightline.Alerts;
using Sightline.Hosting;

namespace Sightline.Cluster;

/// <summary>
/// Alerts are delivered once per cluster: each is delivered by the node that raised it (the node running its camera),
/// and when a node dies its queued alerts are taken over by one survivor (<see cref="IAlertStore.TakeOverAlertsAsync"/>
/// gives each alert to one caller). Every few seconds each node looks for nodes that membership has declared dead and
/// that have not started again under the same name. An alert its dead node had sent but not yet recorded as sent is
/// sent again: delivery is at least once, and receivers see the alert's id to drop a repeat.
/// </summary>
internal sealed partial class AlertTakeover(ClusterView view, WebhookDelivery delivery, SightlineOptions options, ILogger<AlertTakeover> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!view.Joined)
                    continue;
                var members = view.Members;
                var alive = members.Where(m => m.Status != "Dead").Select(m => m.Node).ToHashSet(StringComparer.Ordinal);
                foreach (string dead in members.Where(m => m.Status == "Dead" && !alive.Contains(m.Node) && m.Node != options.Node).Select(m => m.Node).Distinct(StringComparer.Ordinal))
                {
                    try
                    {
                        if (await delivery.TakeOverAsync(dead, stoppingToken).ConfigureAwait(false) is > 0 and var taken)
                            LogTaken(logger, taken, dead);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogFailed(logger, dead, ex); // the store is briefly unavailable: the next pass tries again
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "took over {Count} queued alerts of node {Node}, which died")]
    private static partial void LogTaken(ILogger logger, int count, string node);

    [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "taking over the queued alerts of node {Node} failed; trying again")]
    private static partial void LogFailed(ILogger logger, string node, Exception exception);
}
