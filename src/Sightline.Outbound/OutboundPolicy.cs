using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sightline.Outbound;

/// <summary>
/// Where the server may send requests of its own (alert webhooks, an S3-compatible endpoint): public addresses;
/// loopback and private addresses only for a host the operator names (<c>--allow-outbound HOST[:PORT]</c>); link-local
/// and cloud-metadata addresses (169.254.0.0/16, fe80::/10, 100.100.100.200, fd00:ec2::254) and unroutable ones never,
/// named or not. The check is made on the addresses a name resolves to when connecting (<see cref="ConnectAsync"/>),
/// so a name that resolves somewhere else later (DNS rebinding) is still refused, and also when a URL is configured
/// (<see cref="CheckAsync"/>), so a refused URL is an error at once.
/// </summary>
public sealed class OutboundPolicy
{
    private readonly HashSet<(string Host, int? Port)> _allowed;

    public OutboundPolicy(IEnumerable<string> allowedHosts)
    {
        _allowed = [.. allowedHosts.Select(ParseEntry)];
        Allowed = [.. allowedHosts];
    }

    /// <summary>No host allowed beyond public addresses.</summary>
    public static OutboundPolicy PublicOnly { get; } = new([]);

    /// <summary>The operator's entries, as given.</summary>
    public IReadOnlyList<string> Allowed { get; }

    /// <summary>Checks one <c>HOST[:PORT]</c> entry (IPv6 in brackets); InvalidParameter naming it when it is not one.</summary>
    public static (string Host, int? Port) ParseEntry(string entry)
    {
        string value = entry.Trim();
        string host = value;
        int? port = null;
        int colon = value.LastIndexOf(':');
        if (colon > 0 && colon > value.LastIndexOf(']') && (value.StartsWith('[') || value.IndexOf(':') == colon))
        {
            if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p is < 1 or > 65535)
                throw SightlineException.InvalidParameter($"--allow-outbound '{entry}': the port must be a number from 1 to 65535.");
            (host, port) = (value[..colon], p);
        }
        host = host.Trim('[', ']').ToLowerInvariant();
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            throw SightlineException.InvalidParameter($"--allow-outbound '{entry}' is not HOST or HOST:PORT.");
        if (IPAddress.TryParse(host, out var literal) && AddressClass.Of(literal) is AddressKind.Metadata or AddressKind.Unroutable)
            throw SightlineException.InvalidParameter($"--allow-outbound '{entry}': {Describe(AddressClass.Of(literal))} addresses are never reachable from the server.");
        return (host, port);
    }

    /// <summary>Whether the operator named <paramref name="host"/> (and, when the entry has one, its port).</summary>
    public bool IsNamed(string host, int port)
    {
        string h = host.Trim('[', ']').ToLowerInvariant();
        return _allowed.Contains((h, port)) || _allowed.Contains((h, null));
    }

    /// <summary>Why <paramref name="address"/> may not be reached as <paramref name="host"/>:<paramref name="port"/>; null when it may.</summary>
    public string? Refusal(string host, int port, IPAddress address)
    {
        var kind = AddressClass.Of(address);
        return kind switch
        {
            AddressKind.Public => null,
            AddressKind.Loopback or AddressKind.Private when IsNamed(host, port) => null,
            AddressKind.Loopback or AddressKind.Private =>
                $"{host}:{port} is a {Describe(kind)} address ({address}); the server reaches one only when an operator allows it with --allow-outbound {host}:{port}",
            _ => $"{host}:{port} is a {Describe(kind)} address ({address}), which the server never reaches",
        };
    }

    /// <summary>
    /// Refuses a configured URL (InvalidParameter naming <paramref name="what"/>) that is not http(s) or whose host
    /// resolves only to addresses this policy refuses. A name that does not resolve now is accepted; it is checked
    /// again at each connection.
    /// </summary>
    public async Task CheckAsync(Uri url, string what, CancellationToken ct)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
            throw SightlineException.InvalidParameter($"{what} must be an absolute http:// or https:// URL, got '{url}'.");
        IPAddress[] addresses;
        try
        {
            addresses = await Resolve(url.IdnHost, ct).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return;
        }
        if (RefusalOfAll(url.IdnHost, url.Port, addresses) is { } refusal)
            throw SightlineException.InvalidParameter($"{what} is refused: {refusal}.");
    }

    /// <summary>What <see cref="CheckAsync"/> does, for a boundary that is not asynchronous (a rule created from the CLI, options validated at start).</summary>
    public void Check(Uri url, string what)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
            throw SightlineException.InvalidParameter($"{what} must be an absolute http:// or https:// URL, got '{url}'.");
        IPAddress[] addresses;
        try
        {
            string bare = url.IdnHost.Trim('[', ']');
            addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : Dns.GetHostAddresses(bare);
        }
        catch (SocketException)
        {
            return;
        }
        if (RefusalOfAll(url.IdnHost, url.Port, addresses) is { } refusal)
            throw SightlineException.InvalidParameter($"{what} is refused: {refusal}.");
    }

    /// <summary>The policy's refusal inside a failed request (as an HTTP handler wraps it), or null when it failed for another reason.</summary>
    public static OutboundRefusedException? RefusalIn(Exception ex) => ex as OutboundRefusedException ?? ex.InnerException as OutboundRefusedException;

    /// <summary>
    /// Resolves <paramref name="endpoint"/>, drops every address this policy refuses and connects to one of the rest:
    /// what an HTTP handler's connect callback does, so every connection is checked, however the name resolves by then.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken ct)
    {
        var addresses = await Resolve(endpoint.Host, ct).ConfigureAwait(false);
        var usable = addresses.Where(a => Refusal(endpoint.Host, endpoint.Port, a) is null).ToArray();
        if (usable.Length == 0)
            throw new OutboundRefusedException(RefusalOfAll(endpoint.Host, endpoint.Port, addresses) ?? $"{endpoint.Host} resolves to no address");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, endpoint.Port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The first address's refusal when every address is refused; null when any may be reached.</summary>
    private string? RefusalOfAll(string host, int port, IReadOnlyList<IPAddress> addresses)
    {
        var refusals = addresses.Select(a => Refusal(host, port, a)).ToList();
        return refusals.Count > 0 && refusals.All(r => r is not null) ? refusals[0] : null;
    }

    private static async Task<IPAddress[]> Resolve(string host, CancellationToken ct)
    {
        string bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, ct).ConfigureAwait(false);
    }

    private static string Describe(AddressKind kind) => kind switch
    {
        AddressKind.Loopback => "loopback",
        AddressKind.Private => "private-network",
        AddressKind.Metadata => "link-local or cloud-metadata",
        _ => "unroutable",
    };
}

/// <summary>A connection the outbound policy refused; the message says which address and why.</summary>
public sealed class OutboundRefusedException(string message) : HttpRequestException(message);
