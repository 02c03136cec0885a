using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sightline.Search;

/// <summary>
/// Graph snapshots: a header (magic, version, dimension, M, nodes, entry point, top layer), then per node its
/// id, scale, deleted flag, level, codes and link lists, then a trailer repeating the node count. Loading checks
/// every link against the node count, so a torn or foreign file is refused (null), never half-used. A snapshot
/// is derived state: the owner reconciles it with its database after loading.
/// </summary>
public sealed partial class HnswIndex
{
    private const uint Magic = 0x47484C53; // "SLHG"
    private const int Version = 1;
    private const int HeaderBytes = 32;

    /// <summary>Writes the graph to <paramref name="path"/> atomically (temp file, flush to disk, rename).</summary>
    public void Save(string path)
    {
        string temp = path + ".tmp";
        _lock.EnterReadLock();
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> header = stackalloc byte[HeaderBytes];
                WriteInts(header, (int)Magic, Version, Dimension, _options.M, _count, _entry, _maxLevel, 0);
                file.Write(header);
                Span<byte> fixedPart = stackalloc byte[14];
                for (int node = 0; node < _count; node++)
                {
                    int level = _upper.TryGetValue(node, out var upper) ? upper.Length : 0;
                    BinaryPrimitives.WriteInt64LittleEndian(fixedPart, _ids[node]);
                    BinaryPrimitives.WriteSingleLittleEndian(fixedPart[8..], _scales[node]);
                    fixedPart[12] = _deleted[node] ? (byte)1 : (byte)0;
                    fixedPart[13] = (byte)level;
                    file.Write(fixedPart);
                    file.Write(MemoryMarshal.AsBytes(Codes(node)));
                    for (int l = 0; l <= level; l++)
                        file.Write(MemoryMarshal.AsBytes(Links(node, l)));
                }
                WriteInts(header, (int)Magic, _count);
                file.Write(header[..8]);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Loads a snapshot written with the same dimension and M; null when the file is missing, of another layout,
    /// or damaged. Re-ranking reads fp32 vectors from <paramref name="source"/>.
    /// </summary>
    public static HnswIndex? TryLoad(string path, int dimension, HnswOptions options, IExactVectorSource source)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var header = new byte[HeaderBytes];
            file.ReadExactly(header);
            int Int(int i) => BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4 * i));
            if ((uint)Int(0) != Magic || Int(1) != Version || Int(2) != dimension || Int(3) != options.M)
                return null;
            int count = Int(4), entry = Int(5), maxLevel = Int(6);
            if (count < 0 || entry < -1 || entry >= count || (entry < 0) != (count == 0) || maxLevel > 30)
                return null;
            var index = new HnswIndex(dimension, options, source);
            if (!index.ReadNodes(file, count))
                return null;
            Span<byte> trailer = stackalloc byte[8];
            file.ReadExactly(trailer);
            if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != Magic || BinaryPrimitives.ReadInt32LittleEndian(trailer[4..]) != count
                || file.Position != file.Length)
                return null;
            int entryLevel = index._upper.TryGetValue(Math.Max(entry, 0), out var top) ? top.Length : 0;
            if (count > 0 && entryLevel != maxLevel)
                return null;
            (index._entry, index._maxLevel) = (entry, maxLevel);
            return index;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private bool ReadNodes(FileStream file, int count)
    {
        var fixedPart = new byte[14];
        var codes = new sbyte[Dimension];
        for (int i = 0; i < count; i++)
        {
            file.ReadExactly(fixedPart);
            file.ReadExactly(MemoryMarshal.AsBytes(codes.AsSpan()));
            long id = BinaryPrimitives.ReadInt64LittleEndian(fixedPart);
            int node = NewNode(id, codes, BinaryPrimitives.ReadSingleLittleEndian(fixedPart.AsSpan(8)));
            _ready[node] = true;
            if (fixedPart[12] != 0)
            {
                _deleted[node] = true;
                _nodeOf.Remove(id);
            }
            int level = fixedPart[13];
            if (level > 30)
                return false;
            if (level > 0)
                _upper[node] = [.. Enumerable.Range(0, level).Select(_ => new int[_options.M + 1])];
            for (int l = 0; l <= level; l++)
            {
                var links = Links(node, l);
                file.ReadExactly(MemoryMarshal.AsBytes(links));
                int max = l == 0 ? _m0 : _options.M;
                if (links[0] < 0 || links[0] > max)
                    return false;
                foreach (int n in links.Slice(1, links[0]))
                {
                    if (n < 0 || n >= count)
                        return false;
                }
            }
        }
        return true;
    }

    /// <summary>The ids of the live nodes.</summary>
    public IReadOnlyCollection<long> Ids()
    {
        _lock.EnterReadLock();
        try { return [.. _nodeOf.Keys]; }
        finally { _lock.ExitReadLock(); }
    }

    private static void WriteInts(Span<byte> destination, params ReadOnlySpan<int> values)
    {
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(destination[(4 * i)..], values[i]);
    }
}
