using System.Threading.Channels;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>
/// One kind of stored-video job: the frames it wants (<see cref="Sampling"/>), what it does with them, and its
/// results once the video has been read. One instance per job run.
/// </summary>
internal interface IVideoAnalysis
{
    FrameSampling Sampling { get; }

    /// <summary>Analyses the frames (disposing each), up to <paramref name="parallelism"/> at once; the number of frames.</summary>
    Task<int> RunAsync(IAsyncEnumerable<(long TimestampMillis, DecodedImage Frame)> frames, int parallelism, Action<int>? done, CancellationToken ct);

    /// <summary>Only what each frame shows, one frame at a time, nothing kept (the benchmark's time in the models alone).</summary>
    Task LookOnlyAsync(IReadOnlyList<(long TimestampMillis, DecodedImage Frame)> frames, CancellationToken ct);

    ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct);
}

/// <summary>
/// A job kind in two steps: what one frame shows (<see cref="LookAsync"/>: models on that frame alone, so several
/// frames are looked at at once, one per core) and what is made of it (<see cref="AddAsync"/>: trackers, merging,
/// searches), called in frame order. The frames still in order are bounded by the parallelism.
/// </summary>
internal abstract class VideoAnalysis<TSeen> : IVideoAnalysis
{
    public abstract FrameSampling Sampling { get; }

    /// <summary>What the frame shows. Called on several frames at once; must not touch the analysis' state.</summary>
    protected abstract ValueTask<TSeen> LookAsync(long timestampMillis, DecodedImage frame, CancellationToken ct);

    /// <summary>Takes what one frame showed, in frame order, one frame at a time.</summary>
    protected abstract ValueTask AddAsync(long timestampMillis, TSeen seen, CancellationToken ct);

    public abstract ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct);

    /// <summary>Disposes what a look kept (image crops) when it is not added (a job stopped part way).</summary>
    protected virtual void Discard(TSeen seen)
    {
    }

    public async Task LookOnlyAsync(IReadOnlyList<(long TimestampMillis, DecodedImage Frame)> frames, CancellationToken ct)
    {
        foreach (var (timestamp, frame) in frames)
            Discard(await LookAsync(timestamp, frame, ct).ConfigureAwait(false));
    }

    public async Task<int> RunAsync(IAsyncEnumerable<(long TimestampMillis, DecodedImage Frame)> frames, int parallelism, Action<int>? done, CancellationToken ct)
    {
        int count = 0;
        if (parallelism <= 1)
        {
            await foreach (var (timestamp, frame) in frames.WithCancellation(ct).ConfigureAwait(false))
            {
                TSeen seen;
                using (frame)
                    seen = await LookAsync(timestamp, frame, ct).ConfigureAwait(false);
                await AddAsync(timestamp, seen, ct).ConfigureAwait(false);
                count++;
                done?.Invoke(count); // (not ++count inside ?.Invoke: a null callback would skip the increment)
            }
            return count;
        }
        // Looks in flight, in frame order: the one being added, and parallelism - 1 more started behind it.
        var looking = Channel.CreateBounded<(long, Task<TSeen>)>(new BoundedChannelOptions(parallelism - 1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => StartLooksAsync(frames, looking.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var (timestamp, look) in looking.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await AddAsync(timestamp, await look.ConfigureAwait(false), ct).ConfigureAwait(false);
                count++;
                done?.Invoke(count); // (not ++count inside ?.Invoke: a null callback would skip the increment)
            }
            await producer.ConfigureAwait(false);
            return count;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            while (looking.Reader.TryRead(out var left))
                await DiscardAsync(left.Item2).ConfigureAwait(false);
        }
    }

    private async Task StartLooksAsync(IAsyncEnumerable<(long TimestampMillis, DecodedImage Frame)> frames, ChannelWriter<(long, Task<TSeen>)> looking, CancellationToken ct)
    {
        try
        {
            await foreach (var (timestamp, frame) in frames.WithCancellation(ct).ConfigureAwait(false))
            {
                bool room;
                try
                {
                    room = await looking.WaitToWriteAsync(ct).ConfigureAwait(false);
                }
                catch
                {
                    frame.Dispose();
                    throw;
                }
                if (!room)
                {
                    frame.Dispose();
                    break;
                }
                var look = Task.Run(async () =>
                {
                    using (frame)
                        return await LookAsync(timestamp, frame, ct).ConfigureAwait(false);
                }, CancellationToken.None);
                if (!looking.TryWrite((timestamp, look)))
                {
                    await DiscardAsync(look).ConfigureAwait(false);
                    break;
                }
            }
            looking.TryComplete();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            looking.TryComplete(ex);
        }
    }

    private async Task DiscardAsync(Task<TSeen> look)
    {
        await ((Task)look).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (look.IsCompletedSuccessfully)
            Discard(look.Result);
    }
}
