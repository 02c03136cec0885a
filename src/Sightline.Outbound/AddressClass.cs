using System.Net;
using System.Net.Sockets;

namespace Sightline.Outbound;

/// <summary>What kind of network an address is on, as far as an outbound request is concerned.</summary>
public enum AddressKind
{
    /// <summary>A public unicast address: allowed.</summary>
    Public,

    /// <summary>127.0.0.0/8 or ::1: allowed only for a host the operator names.</summary>
    Loopback,

    /// <summary>RFC 1918, carrier-grade NAT (100.64.0.0/10), IPv6 unique local (fc00::/7): allowed only for a named host.</summary>
    Private,

    /// <summary>Link-local (169.254.0.0/16, fe80::/10) and the cloud metadata services: never.</summary>
    Metadata,

    /// <summary>Unspecified, multicast, broadcast and reserved addresses: never (no webhook lives there).</summary>
    Unroutable,
}

/// <summary>Classifies addresses; IPv4-mapped and IPv4-compatible IPv6 forms are judged as the IPv4 address they carry.</summary>
public static class AddressClass
{
    private static readonly IPAddress s_alibabaMetadata = IPAddress.Parse("100.100.100.200");
    private static readonly IPAddress s_awsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static AddressKind Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.Equals(s_alibabaMetadata) || address.Equals(s_awsMetadataV6))
            return AddressKind.Metadata;
        return address.AddressFamily == AddressFamily.InterNetwork ? OfV4(address) : OfV6(address);
    }

    private static AddressKind OfV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return (b[0], b[1]) switch
        {
            (169, 254) => AddressKind.Metadata,
            (127, _) => AddressKind.Loopback,
            (10, _) or (172, >= 16 and <= 31) or (192, 168) or (100, >= 64 and <= 127) => AddressKind.Private,
            (0, _) or (>= 224, _) => AddressKind.Unroutable, // this network, multicast, reserved, broadcast
            (192, 0) when b[2] is 0 or 2 => AddressKind.Unroutable, // IETF protocol assignments, TEST-NET-1
            (198, >= 18 and <= 19) => AddressKind.Private, // benchmarking networks
            _ => AddressKind.Public,
        };
    }

    private static AddressKind OfV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Loopback))
            return AddressKind.Loopback;
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
            return AddressKind.Unroutable;
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (b[..12].SequenceEqual(stackalloc byte[12]))
            return OfV4(new IPAddress(b[12..])); // IPv4-compatible ::a.b.c.d
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
            return AddressKind.Metadata; // fe80::/10 link-local
        if ((b[0] & 0xfe) == 0xfc)
            return AddressKind.Private; // fc00::/7 unique local
        if (b[0] == 0xff)
            return AddressKind.Unroutable; // multicast
        if (b[0] == 0x20 && b[1] == 0x02)
            return OfV4(new IPAddress(b[2..6])); // 6to4 carries an IPv4 address
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
            return OfV4(new IPAddress(b[12..])); // NAT64 well-known prefix
        return AddressKind.Public;
    }
}
