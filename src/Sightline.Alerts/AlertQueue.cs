using System.Threading.Channels;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>The bounded queue between evaluation and delivery. A full queue rejects (the alert is recorded as dropped).</summary>
public sealed class AlertQueue(AlertOptions options)
{
    private readonly Channel<AlertRecord> _channel = Channel.CreateBounded<AlertRecord>(new BoundedChannelOptions(options.QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once instead of waiting
        SingleReader = false,
        SingleWriter = false,
    });

    private long _dropped;

    public int Capacity => options.QueueCapacity;

    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<AlertRecord> Reader => _channel.Reader;

    public bool TryEnqueue(AlertRecord alert)
    {
        if (_channel.Writer.TryWrite(alert))
            return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }
}
