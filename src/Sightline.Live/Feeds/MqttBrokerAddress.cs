namespace Sightline.Live.Feeds;

/// <summary>An external broker's address: <c>mqtt://[USER[:PASSWORD]@]HOST[:PORT]</c>, credentials unescaped.</summary>
public sealed record MqttBrokerAddress(string Host, int Port, string? Username, string? Password)
{
    /// <summary>Why <paramref name="url"/> names no broker, or null when it does. The message never repeats a password.</summary>
    public static string? Problem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return "An external MQTT broker needs a URL: mqtt://[USER[:PASSWORD]@]HOST[:PORT].";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return "The MQTT broker URL is not a URL; give mqtt://[USER[:PASSWORD]@]HOST[:PORT].";
        if (uri.Scheme != "mqtt")
            return $"The MQTT broker URL must start with mqtt:// (TLS is not supported), got '{uri.Scheme}://'.";
        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return $"The MQTT broker URL names a host and port only, got a path or query after {uri.Host}.";
        return null;
    }

    public static MqttBrokerAddress Parse(string url)
    {
        var uri = new Uri(url);
        string? user = null, password = null;
        if (uri.UserInfo is { Length: > 0 } info)
        {
            int colon = info.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? info : info[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(info[(colon + 1)..]);
        }
        return new MqttBrokerAddress(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? MqttOptions.DefaultPort : uri.Port, user, password);
    }

    /// <summary>The address as it may be logged: host and port, never the credentials.</summary>
    public override string ToString() => $"mqtt://{Host}:{Port}";
}
