using System.Threading.Channels;

namespace Sightline.Live.Detection;

/// <summary>
/// The one detection queue all cameras share: a bounded FIFO served by one worker per core (each inference uses one
/// thread), so N cameras never run more than the cores can. A camera whose frame finds the queue full skips detection
/// on that frame (counted) rather than waiting: the next frame is newer anyway.
/// </summary>
public sealed class DetectionQueue : IAsyncDisposable, IDisposable
{
    private readonly Channel<Func<Task>> _channel;
    private readonly Task[] _workers;
    private long _skipped;

    public DetectionQueue(int workers, int capacity)
    {
        Workers = Math.Max(1, workers);
        _channel = Channel.CreateBounded<Func<Task>>(new BoundedChannelOptions(Math.Max(1, capacity)) { FullMode = BoundedChannelFullMode.Wait, SingleReader = false });
        _workers = [.. Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync))];
    }

    public int Workers { get; }

    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Runs <paramref name="work"/> on a detection worker; null (and counted) when the queue is full.</summary>
    public Task<T>? TryRun<T>(Func<Task<T>> work, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Run()
        {
            if (ct.IsCancellationRequested)
            {
                done.TrySetCanceled(ct);
                return;
            }
            try
            {
                done.TrySetResult(await work().ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }
        if (_channel.Writer.TryWrite(Run))
            return done.Task;
        Interlocked.Increment(ref _skipped);
        return null;
    }

    private async Task WorkAsync()
    {
        // Each item completes its own task, failures included: nothing escapes to stop the worker.
        await foreach (var item in _channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            await item().ConfigureAwait(false);
    }

    /// <summary>Takes no more work; what is queued still runs.</summary>
    public void Dispose() => _channel.Writer.TryComplete();

    /// <summary>Takes no more work and lets the workers finish what is queued (cancelled work ends at once).</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }
}
