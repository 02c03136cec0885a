using Sightline.Access;
using Sightline.Storage;

namespace Sightline.Access.Tests;

public sealed class RateLimitPolicyTests
{
    [Fact]
    public void Every_role_has_a_rate_limit_setting_and_values_are_checked()
    {
        Assert.Equal(Roles.All, Policy.RateLimitedRoles);
        Assert.All(Roles.All, role => Assert.Contains(RateLimit.KeyFor(role), Policy.Keys));
        var policy = Policy.Default.With("rateLimit.analyst", "2.5/10");
        Assert.Equal(new RateLimit(2.5, 10), policy.RateLimitOf("analyst"));
        Assert.Equal(RateLimit.Default, policy.RateLimitOf("admin"));
        Assert.Equal("2.5/10", policy.ValueOf("rateLimit.analyst"));
        foreach (string bad in new[] { "", "10", "0/5", "5/0", "NaN/5", "1e9/5", "5/-1", "five/10" })
            Assert.Equal(ErrorKind.InvalidParameter, Assert.Throws<SightlineException>(() => Policy.Default.With("rateLimit.analyst", bad)).Kind);
        Assert.Throws<SightlineException>(() => Policy.Default.With("rateLimit.superuser", "1/1"));
    }
}
