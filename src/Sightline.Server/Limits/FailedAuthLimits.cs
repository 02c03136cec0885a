using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;

namespace Sightline.Server.Limits;

/// <summary>
/// Failed authentications per source address: each failure takes a token from the address's bucket
/// (<see cref="ServerOptions.AuthFailureBurst"/> tokens, refilled at <see cref="ServerOptions.AuthFailuresPerMinute"/>);
/// while the bucket is empty every request from that address is refused with Throttling before its credentials are
/// checked, so guessing secrets is slow and cheap to refuse. At most <see cref="MaxAddresses"/> addresses are tracked;
/// beyond that, addresses whose buckets are full again are forgotten first.
/// </summary>
public sealed class FailedAuthLimits(ServerOptions options) : IDisposable
{
    public const int MaxAddresses = 100_000;

    private readonly ConcurrentDictionary<IPAddress, TokenBucketRateLimiter> _buckets = new();

    /// <summary>Throttling when <paramref name="address"/> has used up its failed attempts.</summary>
    public void Check(IPAddress? address)
    {
        if (address is null || !_buckets.TryGetValue(address, out var bucket) || bucket.GetStatistics()?.CurrentAvailablePermits > 0)
            return;
        ServerMetrics.AuthFailuresThrottled();
        var retryAfter = TimeSpan.FromMinutes(1.0 / Math.Max(1, options.AuthFailuresPerMinute));
        throw new SightlineException(ErrorKind.Throttling,
            $"Too many failed authentications from {address}; retry after {Math.Ceiling(retryAfter.TotalSeconds):0} s.")
        {
            RetryAfter = retryAfter,
        };
    }

    /// <summary>Counts one failed authentication from <paramref name="address"/>.</summary>
    public void Failed(IPAddress? address)
    {
        if (address is null)
            return;
        if (_buckets.Count >= MaxAddresses)
            Forget();
        var bucket = _buckets.GetOrAdd(address, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.AuthFailureBurst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / Math.Max(1, options.AuthFailuresPerMinute)),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        bucket.AttemptAcquire().Dispose();
    }

    private void Forget()
    {
        foreach (var (address, bucket) in _buckets)
        {
            if (bucket.GetStatistics()?.CurrentAvailablePermits >= options.AuthFailureBurst && _buckets.TryRemove(address, out var removed))
                removed.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
            bucket.Dispose();
    }
}
