using System.Net;

namespace Sightline.Cluster;

/// <summary>
/// This node as the others reach it over HTTP: <c>--advertise-url</c>, or else the server's first <c>http://</c>
/// listen URL with a wildcard host (0.0.0.0, [::], *, +) replaced by the cluster address. Null when neither gives one.
/// </summary>
public sealed record ClusterNode(string Name, Uri? Url)
{
    public static Uri? Advertised(Uri? advertise, string urls, IPAddress address)
    {
        if (advertise is not null)
            return advertise;
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                continue;
            string rest = url["http://".Length..];
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            string authority = slash < 0 ? rest : rest[..slash];
            string host, port;
            if (authority.StartsWith('['))
            {
                int close = authority.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                    continue;
                host = authority[..(close + 1)];
                port = authority[(close + 1)..];
            }
            else
            {
                int colon = authority.LastIndexOf(':');
                host = colon < 0 ? authority : authority[..colon];
                port = colon < 0 ? "" : authority[colon..];
            }
            if (host is "" or "0.0.0.0" or "[::]" or "*" or "+")
                host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            if (Uri.TryCreate($"http://{host}{port}/", UriKind.Absolute, out var result))
                return result;
        }
        return null;
    }
}
