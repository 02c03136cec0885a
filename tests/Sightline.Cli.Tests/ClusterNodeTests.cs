using System.Net;
using Sightline.Cluster;

namespace Sightline.Cli.Tests;

/// <summary>The HTTP base URL a cluster node advertises for forwarded live views.</summary>
[Trait("Store", "Agnostic")]
public sealed class ClusterNodeTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://10.0.0.11:8080/")]
    [InlineData("http://[::]:8080", "http://10.0.0.11:8080/")]
    [InlineData("http://*:8080", "http://10.0.0.11:8080/")]
    [InlineData("http://+:9000", "http://10.0.0.11:9000/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("https://0.0.0.0:8443;http://node-a.local:8080", "http://node-a.local:8080/")]
    [InlineData("https://0.0.0.0:8443", null)]
    public void The_first_http_url_is_advertised_with_a_wildcard_host_replaced_by_the_cluster_address(string urls, string? expected) =>
        Assert.Equal(expected, ClusterNode.Advertised(null, urls, IPAddress.Parse("10.0.0.11"))?.ToString());

    [Fact]
    public void An_advertise_url_overrides_the_listen_urls() =>
        Assert.Equal("https://a.example:8443/", ClusterNode.Advertised(new Uri("https://a.example:8443/"), "http://0.0.0.0:8080", IPAddress.Loopback)!.ToString());

    [Fact]
    public void An_advertise_url_must_be_absolute_http_or_https() =>
        Assert.Contains("--advertise-url", new ClusterSettings { AdvertiseUrl = new Uri("ftp://a.example/") }.Validate(), StringComparison.Ordinal);
}
