using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Sightline.Access;
using Sightline.Storage;

namespace Sightline.Server.Limits;

/// <summary>
/// A token bucket per access key, sized by its role's <see cref="RateLimit"/> in the policy (read at most every
/// <see cref="PolicyRefresh"/>, so a change reaches a running server within that time). A key over its limit is refused
/// with Throttling and a retry-after time; other keys are unaffected. Buckets exist only for keys that authenticated.
/// </summary>
public sealed class KeyRateLimits(IPolicyStore policies, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan PolicyRefresh = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (RateLimit Limit, TokenBucketRateLimiter Bucket)> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _policyLock = new();
    private Policy? _policy;
    private long _policyReadAt;

    /// <summary>Takes one request from <paramref name="principal"/>'s bucket; Throttling (with when to retry) when it is empty.</summary>
    public async Task TakeAsync(Principal principal, CancellationToken cancellationToken)
    {
        var limit = (await CurrentPolicyAsync(cancellationToken).ConfigureAwait(false)).RateLimitOf(principal.Role);
        var entry = _buckets.AddOrUpdate(principal.AccessKeyId, _ => (limit, Bucket(limit)),
            (_, existing) => existing.Limit == limit ? existing : Replace(existing, limit));
        using var lease = entry.Bucket.AttemptAcquire();
        if (lease.IsAcquired)
            return;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        ServerMetrics.KeyThrottled(principal.AccessKeyId);
        throw new SightlineException(ErrorKind.Throttling,
            $"Access key {principal.AccessKeyId} is over its rate limit ({limit.PerSecond:0.##} requests a second, bursts of {limit.Burst}, for role {principal.Role}); retry after {Math.Ceiling(retryAfter.TotalSeconds):0} s.")
        {
            RetryAfter = retryAfter,
        };
    }

    private static (RateLimit, TokenBucketRateLimiter) Replace((RateLimit Limit, TokenBucketRateLimiter Bucket) existing, RateLimit limit)
    {
        existing.Bucket.Dispose();
        return (limit, Bucket(limit));
    }

    /// <summary>Refilled every 50 ms (or every 1/rate when slower), so a bucket never grants a second's worth at once beyond its burst.</summary>
    private static TokenBucketRateLimiter Bucket(RateLimit limit)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(50, 1000 / limit.PerSecond));
        int tokens = Math.Max(1, (int)Math.Round(limit.PerSecond * period.TotalSeconds));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private async Task<Policy> CurrentPolicyAsync(CancellationToken cancellationToken)
    {
        long now = time.GetTimestamp();
        lock (_policyLock)
        {
            if (_policy is { } cached && time.GetElapsedTime(_policyReadAt, now) < PolicyRefresh)
                return cached;
        }
        var policy = await policies.GetPolicyAsync(cancellationToken).ConfigureAwait(false); // outside the lock: no lock held across I/O
        lock (_policyLock)
        {
            (_policy, _policyReadAt) = (policy, now);
        }
        return policy;
    }

    public void Dispose()
    {
        foreach (var (_, bucket) in _buckets.Values)
            bucket.Dispose();
    }
}
