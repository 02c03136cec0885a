namespace Sightline.Live.Feeds;

/// <summary>The way messages reach subscribers: a broker inside this process, or a client of one elsewhere.</summary>
internal interface IMqttTransport : IAsyncDisposable
{
    /// <summary>Where the messages go, as it may be logged (no credentials).</summary>
    string Target { get; }

    bool IsConnected { get; }

    /// <summary>Starts the broker or connects to it; throws when it cannot (the caller backs off and tries again).</summary>
    Task ConnectAsync(CancellationToken ct);

    Task PublishAsync(MqttMessage message, CancellationToken ct);

    /// <summary>Publishes <paramref name="farewell"/> (offline) and stops or disconnects cleanly.</summary>
    Task CloseAsync(MqttMessage farewell, CancellationToken ct);
}
