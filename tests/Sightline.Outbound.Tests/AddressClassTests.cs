using System.Net;

namespace Sightline.Outbound.Tests;

public sealed class AddressClassTests
{
    [Theory]
    [InlineData("169.254.169.254", AddressKind.Metadata)]
    [InlineData("169.254.0.1", AddressKind.Metadata)]
    [InlineData("fe80::1", AddressKind.Metadata)]
    [InlineData("febf::1", AddressKind.Metadata)]
    [InlineData("100.100.100.200", AddressKind.Metadata)]
    [InlineData("fd00:ec2::254", AddressKind.Metadata)]
    [InlineData("::ffff:169.254.169.254", AddressKind.Metadata)]
    [InlineData("::169.254.169.254", AddressKind.Metadata)]
    [InlineData("2002:a9fe:a9fe::", AddressKind.Metadata)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressKind.Metadata)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.0.9", AddressKind.Loopback)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("10.1.2.3", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.Private)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("0.0.0.0", AddressKind.Unroutable)]
    [InlineData("::", AddressKind.Unroutable)]
    [InlineData("224.0.0.1", AddressKind.Unroutable)]
    [InlineData("255.255.255.255", AddressKind.Unroutable)]
    [InlineData("ff02::1", AddressKind.Unroutable)]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("100.128.0.1", AddressKind.Public)]
    [InlineData("2606:4700::1111", AddressKind.Public)]
    public void Every_address_is_judged_by_the_network_it_is_on(string address, AddressKind expected) =>
        Assert.Equal(expected, AddressClass.Of(IPAddress.Parse(address)));
}
