using Sightline.Storage;

namespace Sightline.Live.Faces;

/// <summary>
/// The authorizations as this server last read them, re-read at most every <paramref name="refresh"/>: a revocation
/// or a new authorization reaches every camera within that. Expiry needs no re-read — each frame's time is checked
/// against the expiry the record carries. A store that cannot be read keeps the last list (an expired authorization
/// still stops on time).
/// </summary>
public sealed class AuthorizationBook(IAuthorizationStore store, TimeProvider time, TimeSpan refresh)
{
    private readonly SemaphoreSlim _reading = new(1, 1);
    private IReadOnlyList<LiveAuthorization> _all = [];
    private long _readAt; // UTC ticks of the last read (0: never)

    /// <summary>The authorizations active for <paramref name="camera"/> at <paramref name="at"/>.</summary>
    public async ValueTask<IReadOnlyList<LiveAuthorization>> ActiveAsync(string camera, DateTimeOffset at, CancellationToken ct)
    {
        if (time.GetUtcNow().UtcTicks - Interlocked.Read(ref _readAt) > refresh.Ticks && await _reading.WaitAsync(0, ct).ConfigureAwait(false))
        {
            try
            {
                Volatile.Write(ref _all, await store.ListAuthorizationsAsync(ct).ConfigureAwait(false));
                Interlocked.Exchange(ref _readAt, time.GetUtcNow().UtcTicks);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Exchange(ref _readAt, time.GetUtcNow().UtcTicks); // try again after the interval; the last list stands
            }
            finally
            {
                _reading.Release();
            }
        }
        var all = Volatile.Read(ref _all);
        return [.. all.Where(a => a.Covers(camera) && a.ActiveAt(at))];
    }

    /// <summary>The record as last read (for the reason a search stopped).</summary>
    public LiveAuthorization? Known(string id) => Volatile.Read(ref _all).FirstOrDefault(a => a.Id == id);
}
