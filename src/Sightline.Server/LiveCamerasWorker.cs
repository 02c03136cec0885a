using Microsoft.Extensions.Hosting;
using Sightline.Live;

namespace Sightline.Server;

/// <summary>Watches the store's cameras for the server's lifetime (the work is <see cref="LiveCameras"/>'s).</summary>
public sealed class LiveCamerasWorker(LiveCameras cameras) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => cameras.RunAsync(stoppingToken);
}

/// <summary>Stops live video nobody watches any more (the work is <see cref="Live.Video.LiveVideo"/>'s).</summary>
public sealed class LiveVideoWorker(Live.Video.LiveVideo video) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => video.RunAsync(stoppingToken);
}

/// <summary>Runs the stream processors' states and ConnectedHome results (the library's runner).</summary>
public sealed class StreamProcessorsWorker(Live.Processors.StreamProcessorRunner runner) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => runner.RunAsync(stoppingToken);
}
