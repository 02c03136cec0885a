using MQTTnet;
using MQTTnet.Protocol;

namespace Sightline.Live.Feeds;

/// <summary>
/// A client of an external broker (mosquitto, EMQX, Home Assistant's). Its last will is <c>PREFIX/available</c>
/// 'offline', retained, so subscribers learn of a server that died without saying goodbye.
/// </summary>
internal sealed class MqttClientTransport(MqttBrokerAddress broker, string? username, string? password, MqttMessage will) : IMqttTransport
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(5);
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly string _clientId = "sightline-" + Environment.MachineName + "-" + Environment.ProcessId;

    public string Target => "broker " + broker;

    public bool IsConnected => _client.IsConnected;

    public async Task ConnectAsync(CancellationToken ct)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(_clientId)
            .WithCleanSession(true)
            .WithTimeout(s_connectTimeout)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithWillTopic(will.Topic)
            .WithWillPayload(will.Payload.ToArray())
            .WithWillRetain(will.Retain)
            .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)will.Qos);
        if ((broker.Username ?? username) is { } user)
            builder = builder.WithCredentials(user, broker.Password ?? password);
        if (_client.IsConnected)
            return;
        var result = await _client.ConnectAsync(builder.Build(), ct).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new IOException($"the broker refused the connection: {result.ResultCode}");
    }

    public async Task PublishAsync(MqttMessage message, CancellationToken ct)
    {
        var result = await _client.PublishAsync(EmbeddedMqttBroker.ToApplicationMessage(message), ct).ConfigureAwait(false);
        if (!result.IsSuccess)
            throw new IOException($"the broker did not take a message on {message.Topic}: {result.ReasonCode}");
    }

    public async Task CloseAsync(MqttMessage farewell, CancellationToken ct)
    {
        if (!_client.IsConnected)
            return;
        await PublishAsync(farewell, ct).ConfigureAwait(false);
        await _client.DisconnectAsync(new MqttClientDisconnectOptions(), ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
