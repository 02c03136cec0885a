namespace Sightline.Outbound;

/// <summary>HTTP handlers whose every connection goes through an <see cref="OutboundPolicy"/>.</summary>
public static class OutboundHttp
{
    /// <summary>
    /// A handler that connects only where <paramref name="policy"/> allows, follows no redirect (a 3xx is the answer),
    /// and uses no proxy (a proxy would connect on the server's behalf, past the check).
    /// </summary>
    public static SocketsHttpHandler Handler(OutboundPolicy policy, TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => policy.ConnectAsync(context.DnsEndPoint, ct),
    };
}
