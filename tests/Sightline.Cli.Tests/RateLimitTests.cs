using System.Net;

namespace Sightline.Cli.Tests;

/// <summary>
/// Per-key rate limits (a token bucket per access key, sized by its role's policy) and failed authentications limited
/// per source address, on a real server: a key over its limit is refused with 429 and Retry-After (native) or
/// ThrottlingException (AWS) while other keys go on, and /metrics counts the refusals by key.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class RateLimitTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync("--auth-failure-burst", "5", "--auth-failures-per-minute", "6");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_key_over_its_roles_limit_is_throttled_and_other_keys_are_not()
    {
        var set = SightlineCli.Run("--data", _server.Data.Path, "policy", "set", "rateLimit.auditor", "0.5/3");
        Assert.True(set.ExitCode == 0, set.ToString());
        var bad = SightlineCli.Run("--data", _server.Data.Path, "policy", "set", "rateLimit.auditor", "fast");
        Assert.True(bad.ExitCode == 2 && bad.Stderr.Contains("PER_SECOND/BURST", StringComparison.Ordinal), bad.ToString());
        await Task.Delay(2500); // the server reads the policy again within two seconds

        var statuses = new List<HttpStatusCode>();
        Reply? throttled = null;
        for (int i = 0; i < 6; i++)
        {
            var reply = await _server.SendAsync(HttpMethod.Get, "v1/collections", "auditor");
            statuses.Add(reply.Status);
            if (reply.Status == HttpStatusCode.TooManyRequests)
                throttled ??= reply;
        }
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK)); // the burst
        Assert.NotNull(throttled);
        Assert.Equal("ThrottlingException", throttled!.Body.GetProperty("errorType").GetString());
        Assert.Contains("rate limit", throttled.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (awsStatus, awsBody) = await _server.CallAwsAsync("ListCollections", new { }, "auditor");
        Assert.Equal((HttpStatusCode)429, awsStatus);
        Assert.Equal("ThrottlingException", awsBody.GetProperty("__type").GetString());

        // Another key, another role: unaffected.
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Get, "v1/collections", "admin")).Status);
        string metrics = await _server.Http.GetStringAsync(new Uri(_server.Address, "metrics"));
        Assert.Contains($"sightline_key_throttled_total{{key=\"{_server.Keys["auditor"].Id}\"}}", metrics, StringComparison.Ordinal);

        // The bucket refills: one request every two seconds.
        await Task.Delay(2500);
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Get, "v1/collections", "auditor")).Status);
    }

    [Fact]
    public async Task Failed_authentications_from_one_address_are_refused_before_credentials_are_checked()
    {
        for (int i = 0; i < 5; i++)
        {
            using var guess = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Address, "v1/collections"));
            guess.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", $"{_server.Keys["admin"].Id}:guess{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Http.SendAsync(guess)).StatusCode);
        }
        // The address has used its attempts: even the right secret waits.
        using var right = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Address, "v1/collections"));
        right.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _server.Bearer("admin"));
        var refused = await _server.Http.SendAsync(right);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After names when to try again");
        string metrics = await _server.Http.GetStringAsync(new Uri(_server.Address, "metrics"));
        Assert.Matches(@"sightline_auth_failures_throttled_total [1-9]", metrics);

        // Six attempts a minute come back: one after ten seconds.
        await Task.Delay(10_500);
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Get, "v1/collections", "admin")).Status);
    }
}
