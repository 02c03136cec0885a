using System.Net;

namespace Sightline.Cli.Tests;

/// <summary>
/// Requests the server makes of its own go only where the outbound policy allows: a webhook on a link-local or
/// cloud-metadata address is refused always, one on loopback or a private network unless an operator named its host,
/// and the refusal names the problem, on the API and on the CLI.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class OutboundTests
{
    private static object Rule(string webhook) => new { label = "gun", minConfidence = 50, webhook };

    [Fact]
    public async Task Webhooks_to_metadata_and_unnamed_internal_addresses_are_refused_and_named_hosts_are_not()
    {
        // Only localhost:9 is named: 127.0.0.1 (the same machine, another name) is not.
        await using var server = await ServerProcess.StartAsync("--allow-outbound", "localhost:9");
        foreach (var (url, reason) in new[]
        {
            ("http://169.254.169.254/latest/meta-data/iam/", "link-local or cloud-metadata"),
            ("http://[fd00:ec2::254]/", "link-local or cloud-metadata"),
            ("http://100.100.100.200/", "link-local or cloud-metadata"),
            ("http://127.0.0.1:9/hook", "--allow-outbound 127.0.0.1:9"),
            ("http://10.1.2.3/hook", "--allow-outbound 10.1.2.3:80"),
            ("http://localhost:10/hook", "--allow-outbound localhost:10"),
        })
        {
            var (status, problem) = await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(Rule(url)));
            Assert.True(status == HttpStatusCode.BadRequest, $"{url}: {status}");
            Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(Rule("http://localhost:9/hook")))).Status);
        var (_, rules) = await server.SendAsync(HttpMethod.Get, "v1/alert-rules", "admin");
        Assert.Equal(1, rules.GetProperty("rules").GetArrayLength());

        // The CLI refuses the same way, in one line.
        var cli = SightlineCli.Run("--data", server.Data.Path, "alerts", "rules", "add", "--label", "gun", "--min-confidence", "50", "--webhook", "http://169.254.169.254/");
        Assert.True(cli.ExitCode == 2 && cli.Stderr.Trim().Split('\n').Length == 1, cli.ToString());
        Assert.Contains("cloud-metadata", cli.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("[fe80::1]:80")]
    [InlineData("host:99999")]
    public void An_allowance_that_can_never_be_given_is_bad_input(string entry)
    {
        using var dir = new TempDir();
        var r = SightlineCli.Run("--data", dir.Path, "--allow-outbound", entry, "collections", "list");
        Assert.True(r.ExitCode == 2 && r.Stderr.Trim().Split('\n').Length == 1, r.ToString());
        Assert.Contains("--allow-outbound", r.Stderr, StringComparison.Ordinal);
    }
}
