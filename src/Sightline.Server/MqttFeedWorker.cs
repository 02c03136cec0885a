using Microsoft.Extensions.Hosting;
using Sightline.Live.Feeds;

namespace Sightline.Server;

/// <summary>Runs the MQTT feed for the server's lifetime (the work is <see cref="MqttFeed"/>'s; nothing when it is off).</summary>
public sealed class MqttFeedWorker(MqttFeed feed) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => feed.RunAsync(stoppingToken);
}
