namespace Sightline.Live.Tests;

public sealed class FrameRingTests
{
    [Fact]
    public async Task A_full_ring_drops_its_oldest_frames_counts_them_and_reuses_their_buffers()
    {
        int drops = 0;
        var ring = new FrameRing(4, 2, 3, () => drops++);
        var buffers = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        for (int i = 1; i <= 10; i++)
        {
            var buffer = ring.Rent();
            buffers.Add(buffer);
            buffer[0] = (byte)i;
            ring.Publish(new Frame(buffer, 4, 2, i, DateTimeOffset.UnixEpoch.AddSeconds(i)));
        }
        ring.Complete();
        Assert.Equal(7, ring.Dropped);
        Assert.Equal(7, drops);
        // The capture never waited and never held more than the ring plus the frame being filled.
        Assert.True(buffers.Count <= 4, $"{buffers.Count} buffers");
        var kept = new List<long>();
        await foreach (var frame in ring.Reader.ReadAllAsync())
        {
            Assert.Equal(frame.Sequence, frame.Buffer[0]);
            Assert.Equal(24, frame.Buffer.Length);
            kept.Add(frame.Sequence);
        }
        Assert.Equal([8L, 9L, 10L], kept);
    }
}
