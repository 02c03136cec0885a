using System.Net;

namespace Sightline.Live.Feeds;

/// <summary>Where live events go over MQTT: a broker inside the server, a broker elsewhere, or nowhere.</summary>
public enum MqttMode
{
    Embedded,
    External,
    Off,
}

/// <summary>
/// The MQTT feed (Frigate's topic tree under <see cref="TopicPrefix"/>). Embedded: the server runs a broker on
/// <see cref="Bind"/>:<see cref="Port"/> (loopback by default) and requires <see cref="Username"/> and its password of
/// clients when one is set. External: the server is a client of the broker at <see cref="Url"/>
/// (<c>mqtt://[USER[:PASSWORD]@]HOST[:PORT]</c>), reconnecting with backoff and buffering up to
/// <see cref="BufferCapacity"/> messages meanwhile.
/// </summary>
public sealed record MqttOptions
{
    public const int DefaultPort = 1883;

    public MqttMode Mode { get; init; } = MqttMode.Embedded;

    /// <summary>External mode: the broker's URL; a password in it is used and never logged.</summary>
    public string? Url { get; init; }

    /// <summary>Embedded mode: the address the broker listens on. Anything but loopback should come with credentials.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    public int Port { get; init; } = DefaultPort;

    public string TopicPrefix { get; init; } = "sightline";

    public string? Username { get; init; }

    /// <summary>The password itself (from the environment or a configuration file); see also <see cref="PasswordFile"/>.</summary>
    public string? Password { get; init; }

    /// <summary>A file whose first line is the password (read at start).</summary>
    public string? PasswordFile { get; init; }

    /// <summary>QoS of <c>PREFIX/events</c> messages (0, 1 or 2); the retained state topics use the same.</summary>
    public int EventsQos { get; init; }

    /// <summary>Messages held while the broker is away; past this the oldest are dropped and counted.</summary>
    public int BufferCapacity { get; init; } = 1000;

    /// <summary>How often camera states are read for <c>PREFIX/CAMERA/status</c>.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Waits between connection attempts: doubling from the first to the last.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Snapshots larger than this are not published (a JPEG of a 1280-pixel frame is about 150 KB).</summary>
    public int MaxSnapshotBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>What is wrong with these options, one sentence each (empty when nothing is).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Mode == MqttMode.Off)
            return problems;
        if (MqttTopics.PrefixProblem(TopicPrefix) is { } prefix)
            problems.Add(prefix);
        if (EventsQos is < 0 or > 2)
            problems.Add($"The MQTT QoS must be 0, 1 or 2, got {EventsQos}.");
        if (BufferCapacity < 1 || FirstBackoff <= TimeSpan.Zero || MaxBackoff < FirstBackoff || StatusInterval <= TimeSpan.Zero)
            problems.Add("The MQTT feed needs a buffer of at least 1 message, positive intervals and a last backoff no shorter than the first.");
        if (Password is not null && PasswordFile is not null)
            problems.Add("Give the MQTT password once: in a file or as a value, not both.");
        if (PasswordFile is { } file && !File.Exists(file))
            problems.Add($"The MQTT password file {file} does not exist.");
        if (Mode == MqttMode.Embedded)
        {
            if (!IPAddress.TryParse(Bind, out _))
                problems.Add($"The embedded MQTT broker binds to an IP address (127.0.0.1, ::1, 0.0.0.0), got '{Bind}'.");
            if (Port is < 1 or > 65535)
                problems.Add($"The embedded MQTT broker's port must be from 1 to 65535, got {Port}.");
            if (string.IsNullOrEmpty(Username) != (Password is null && PasswordFile is null))
                problems.Add("The embedded MQTT broker needs both a username and a password, or neither.");
        }
        else if (MqttBrokerAddress.Problem(Url) is { } url)
            problems.Add(url);
        return problems;
    }

    /// <summary>As records print themselves, without the password or the URL's credentials.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        string url = Url is null ? "" : MqttBrokerAddress.Problem(Url) is null ? MqttBrokerAddress.Parse(Url).ToString() : "(invalid)";
        builder.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"Mode = {Mode}, Url = {url}, Bind = {Bind}, Port = {Port}, TopicPrefix = {TopicPrefix}, Username = {Username}, EventsQos = {EventsQos}, BufferCapacity = {BufferCapacity}");
        return true;
    }

    /// <summary>The password from the value or the file (first line), else null.</summary>
    public async Task<string?> ReadPasswordAsync(CancellationToken ct)
    {
        if (Password is not null)
            return Password;
        if (PasswordFile is null)
            return null;
        string text = await File.ReadAllTextAsync(PasswordFile, ct).ConfigureAwait(false);
        return text.Split('\n')[0].TrimEnd('\r');
    }
}
