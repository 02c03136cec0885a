using System.CommandLine;
using Sightline.Live.Feeds;

namespace Sightline.Cli.Commands;

/// <summary>'serve' options of the MQTT feed; the values are checked with the rest of the core's options at start.</summary>
internal static class ServeMqttOptions
{
    public static readonly Option<string> Mode = new("--mqtt")
    {
        Description = "Live events over MQTT: 'embedded' (a broker inside the server, the default), 'off', or an external broker as mqtt://[USER[:PASSWORD]@]HOST[:PORT] (also $SIGHTLINE_MQTT)",
    };

    public static readonly Option<string> Bind = new("--mqtt-bind") { Description = "Address the embedded broker listens on (default 127.0.0.1; set credentials before binding elsewhere)" };

    public static readonly Option<int?> Port = new("--mqtt-port") { Description = $"Port of the embedded broker (default {MqttOptions.DefaultPort})" };

    public static readonly Option<string> Prefix = new("--mqtt-topic-prefix") { Description = "First level of every topic (default sightline)" };

    public static readonly Option<string> Username = new("--mqtt-username") { Description = "Username the embedded broker requires of clients, or that the server gives an external broker" };

    public static readonly Option<string> PasswordFile = new("--mqtt-password-file")
    {
        Description = "File whose first line is the MQTT password (or set $SIGHTLINE_MQTT_PASSWORD); never logged",
    };

    public static readonly Option<int?> Qos = new("--mqtt-qos") { Description = "QoS of MQTT messages: 0 (default), 1 or 2" };

    public static IEnumerable<Option> All => [Mode, Bind, Port, Prefix, Username, PasswordFile, Qos];

    public static MqttOptions From(ParseResult parse)
    {
        string mode = parse.GetValue(Mode) is { Length: > 0 } m ? m : Environment.GetEnvironmentVariable("SIGHTLINE_MQTT") is { Length: > 0 } e ? e : "embedded";
        var defaults = new MqttOptions();
        var options = new MqttOptions
        {
            Mode = mode switch
            {
                "embedded" => MqttMode.Embedded,
                "off" => MqttMode.Off,
                _ => MqttMode.External,
            },
            Url = mode is "embedded" or "off" ? null : mode,
            Bind = parse.GetValue(Bind) ?? defaults.Bind,
            Port = parse.GetValue(Port) ?? defaults.Port,
            TopicPrefix = parse.GetValue(Prefix) ?? defaults.TopicPrefix,
            Username = parse.GetValue(Username) is { Length: > 0 } user ? user : null,
            PasswordFile = parse.GetValue(PasswordFile) is { Length: > 0 } file ? Path.GetFullPath(file) : null,
            EventsQos = parse.GetValue(Qos) ?? defaults.EventsQos,
        };
        return options.PasswordFile is null && Environment.GetEnvironmentVariable("SIGHTLINE_MQTT_PASSWORD") is { Length: > 0 } password
            ? options with { Password = password }
            : options;
    }
}
