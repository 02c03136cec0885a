using System.Collections.Concurrent;
using System.Globalization;
using Sightline.Search;
using Sightline.Storage;

namespace Sightline.Collections;

/// <summary>
/// Coherence across processes: a face indexed or deleted by another process (the CLI beside a running server, or
/// another node) is in the store's face change log; before a search the loaded indexes apply what they have not
/// seen, at most every <see cref="FollowEvery"/>, and a writer that knows of the indexes (a cluster node, of its
/// collection's shards) has them apply it at once (<see cref="FollowAsync"/> with <c>now</c>). Snapshots record the
/// change they reflect, so a restart replays only what it missed. Applying a change twice is harmless: adds of a live
/// id and removes of a missing one are skipped.
/// </summary>
public sealed partial class CollectionIndexes
{
    /// <summary>How stale a loaded index may be with respect to other processes' writes (its own are applied at once).</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    private const int ChangeBatch = 4096;
    private readonly ConcurrentDictionary<string, long> _reflects = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _following = new(1, 1);
    private long _seen = -1;
    private long _lastFollow = long.MinValue / 2;

    /// <summary>
    /// How often a search reads the change log first (<see cref="FollowInterval"/> unless set): a cluster's shards,
    /// told of every write made through a node, poll less often, for writes made elsewhere.
    /// </summary>
    public TimeSpan FollowEvery { get; init; } = FollowInterval;

    /// <summary>
    /// Applies the change log's new entries to the loaded indexes. Without <paramref name="now"/> (before a search) at
    /// most once per <see cref="FollowEvery"/>, and not while another caller is at it. With it (after another
    /// process's write, before a snapshot is written), after any read already under way, so every change committed
    /// before the call is applied when it returns (the log's numbers are in commit order).
    /// </summary>
    public async Task FollowAsync(bool now, CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref _seen) < 0)
            Interlocked.CompareExchange(ref _seen, await store.LastFaceChangeAsync(cancellationToken).ConfigureAwait(false), -1);
        long ticks = Environment.TickCount64;
        if (!now && ticks - Interlocked.Read(ref _lastFollow) < (long)FollowEvery.TotalMilliseconds)
            return;
        if (now)
            await _following.WaitAsync(cancellationToken).ConfigureAwait(false);
        else if (!_following.Wait(0, CancellationToken.None))
            return;
        try
        {
            Interlocked.Exchange(ref _lastFollow, ticks);
            long seen = Interlocked.Read(ref _seen);
            List<FaceChange> changes;
            do
            {
                changes = await store.ReadFaceChangesAsync(null, seen, ChangeBatch, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var group in changes.GroupBy(c => c.CollectionId, StringComparer.Ordinal))
                    await ApplyAsync(group.Key, [.. group], cancellationToken).ConfigureAwait(false);
                if (changes.Count > 0)
                    seen = changes[^1].Seq;
                MarkLoaded(seen);
                Interlocked.Exchange(ref _seen, seen);
            }
            while (changes.Count == ChangeBatch);
        }
        finally
        {
            _following.Release();
        }
    }

    /// <summary>Every loaded index now reflects the log up to <paramref name="seq"/> (what its next snapshot records).</summary>
    private void MarkLoaded(long seq)
    {
        foreach (var id in _indexes.Keys)
            _reflects.AddOrUpdate(id, seq, (_, was) => Math.Max(was, seq));
    }

    /// <summary>
    /// Applies one collection's changes when its index is loaded, or is being loaded (then after the load); one never
    /// asked for reads the database when it is.
    /// </summary>
    private async Task ApplyAsync(string collectionId, IReadOnlyList<FaceChange> changes, CancellationToken cancellationToken)
    {
        if (!_gates.TryGetValue(collectionId, out var gate))
            return;
        var (final, reused) = NetEffect(changes);
        // Embeddings are read before the gate is taken (no lock is held across I/O but a load's).
        var added = final.Where(kv => kv.Value).Select(kv => kv.Key).ToList();
        var embeddings = added.Count == 0 ? new Dictionary<long, float[]>() : await store.GetEmbeddingsAsync(added, cancellationToken).ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_indexes.TryGetValue(collectionId, out var index) && ApplyTo(index, final, reused, embeddings) > 0)
                _dirty[collectionId] = true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Replays one collection's changes after <paramref name="afterSeq"/> into an index being loaded (under its gate)
    /// and records that it reflects them; returns how many there were.
    /// </summary>
    private async Task<int> ReplayAsync(string collectionId, IVectorIndex index, long afterSeq, CancellationToken cancellationToken)
    {
        int count = 0;
        long seq = afterSeq;
        List<FaceChange> changes;
        do
        {
            changes = await store.ReadFaceChangesAsync(collectionId, seq, ChangeBatch, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (changes.Count == 0)
                break;
            var (final, reused) = NetEffect(changes);
            ApplyTo(index, final, reused, await store.GetEmbeddingsAsync([.. final.Where(kv => kv.Value).Select(kv => kv.Key)], cancellationToken).ConfigureAwait(false));
            count += changes.Count;
            seq = changes[^1].Seq;
        }
        while (changes.Count == ChangeBatch);
        _reflects[collectionId] = seq;
        return count;
    }

    /// <summary>
    /// Each row's last change wins; rows deleted and added again within the batch are replaced, not kept. Rows of
    /// other shards are left out.
    /// </summary>
    private (Dictionary<long, bool> Final, HashSet<long> Reused) NetEffect(IReadOnlyList<FaceChange> changes)
    {
        var final = new Dictionary<long, bool>();
        var reused = new HashSet<long>();
        foreach (var change in changes)
        {
            if (!_shard.Holds(change.RowId))
                continue;
            if (change.Added && final.TryGetValue(change.RowId, out bool was) && !was)
                reused.Add(change.RowId);
            final[change.RowId] = change.Added;
        }
        return (final, reused);
    }

    private static int ApplyTo(IVectorIndex index, Dictionary<long, bool> final, HashSet<long> reused, IReadOnlyDictionary<long, float[]> embeddings)
    {
        int applied = 0;
        foreach (var (row, isAdded) in final)
        {
            if (!isAdded || reused.Contains(row))
                applied += index.Remove(row) ? 1 : 0;
            // A row whose embedding is gone was deleted again after this batch was read; its delete is still to come.
            if (isAdded && !index.Contains(row) && embeddings.TryGetValue(row, out var embedding))
            {
                index.Add(row, embedding);
                applied++;
            }
        }
        return applied;
    }

    private static long? ReadSeq(string snapshotPath)
    {
        try
        {
            return long.TryParse(File.ReadAllText(snapshotPath + ".seq"), NumberStyles.None, CultureInfo.InvariantCulture, out long seq) ? seq : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Written after the snapshot (atomically), so a crash between the two leaves an older, still safe, number.</summary>
    private static void WriteSeq(string snapshotPath, long seq)
    {
        string temp = snapshotPath + ".seq." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, seq.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, snapshotPath + ".seq", overwrite: true);
    }
}
