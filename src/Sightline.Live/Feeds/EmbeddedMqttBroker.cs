using System.Net;
using System.Security.Cryptography;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Sightline.Live.Feeds;

/// <summary>
/// A broker inside the server (MQTTnet) on one address and port, and only that one (IPv4 or IPv6, never both by
/// default). With credentials set, a client must present them; messages are injected straight into the broker.
/// </summary>
internal sealed class EmbeddedMqttBroker(MqttOptions options, string? password) : IMqttTransport
{
    public const string ClientId = "sightline";
    private MqttServer? _server;

    public string Target => $"embedded broker on {FormatEndpoint(IPAddress.Parse(options.Bind), options.Port)}";

    public bool IsConnected => _server?.IsStarted == true;

    public async Task ConnectAsync(CancellationToken ct)
    {
        var address = IPAddress.Parse(options.Bind);
        var builder = new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(options.Port);
        builder = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? builder.WithDefaultEndpointBoundIPV6Address(address).WithDefaultEndpointBoundIPAddress(IPAddress.None)
            : builder.WithDefaultEndpointBoundIPAddress(address).WithDefaultEndpointBoundIPV6Address(IPAddress.None);
        var server = new MqttServerFactory().CreateMqttServer(builder.Build());
        if (options.Username is { } user)
            server.ValidatingConnectionAsync += e =>
            {
                if (!Same(e.UserName, user) || !Same(e.Password, password))
                    e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
                return Task.CompletedTask;
            };
        try
        {
            await server.StartAsync().WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        _server = server;
    }

    public Task PublishAsync(MqttMessage message, CancellationToken ct)
    {
        var server = _server ?? throw new InvalidOperationException("The embedded MQTT broker is not running.");
        return server.InjectApplicationMessage(new InjectedMqttApplicationMessage(ToApplicationMessage(message)) { SenderClientId = ClientId }, ct);
    }

    public async Task CloseAsync(MqttMessage farewell, CancellationToken ct)
    {
        if (_server is not { IsStarted: true } server)
            return;
        await PublishAsync(farewell, ct).ConfigureAwait(false);
        await server.StopAsync(new MqttServerStopOptions()).WaitAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }

    internal static MqttApplicationMessage ToApplicationMessage(MqttMessage message) => new MqttApplicationMessageBuilder()
        .WithTopic(message.Topic)
        .WithPayload(new System.Buffers.ReadOnlySequence<byte>(message.Payload))
        .WithRetainFlag(message.Retain)
        .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)message.Qos)
        .Build();

    private static string FormatEndpoint(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

    private static bool Same(string? given, string? expected) =>
        given is not null && expected is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
