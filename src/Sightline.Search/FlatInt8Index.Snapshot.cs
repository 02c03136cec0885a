using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sightline.Search;

/// <summary>
/// Snapshots of the int8 tier: a header (magic, version, dimension, row count) then id, scale and codes of each
/// live row, and a trailing CRC-free length check. A snapshot is derived state: the owner reconciles it against
/// its database after loading, so a stale or torn file costs a rebuild, never a wrong answer.
/// </summary>
public sealed partial class FlatInt8Index
{
    private const uint Magic = 0x58494C53; // "SLIX"
    private const int Version = 1;

    /// <summary>Writes the live rows to <paramref name="path"/> atomically (temp file, flush to disk, rename).</summary>
    public void Save(string path)
    {
        string temp = path + ".tmp";
        _lock.EnterReadLock();
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> header = stackalloc byte[16];
                BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
                BinaryPrimitives.WriteInt32LittleEndian(header[4..], Version);
                BinaryPrimitives.WriteInt32LittleEndian(header[8..], Dimension);
                BinaryPrimitives.WriteInt32LittleEndian(header[12..], _rowOf.Count);
                file.Write(header);
                Span<byte> fixedPart = stackalloc byte[12];
                foreach (var (id, row) in _rowOf)
                {
                    int chunk = row / ChunkRows, offset = row % ChunkRows;
                    BinaryPrimitives.WriteInt64LittleEndian(fixedPart, id);
                    BinaryPrimitives.WriteSingleLittleEndian(fixedPart[8..], _scales[chunk][offset]);
                    file.Write(fixedPart);
                    file.Write(MemoryMarshal.AsBytes(_codes[chunk].AsSpan(offset * Dimension, Dimension)));
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Loads a snapshot; null when the file is missing, of another layout or dimension, or torn.</summary>
    public static FlatInt8Index? TryLoad(string path, int dimension, IExactVectorSource source)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            Span<byte> header = stackalloc byte[16];
            file.ReadExactly(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != Version
                || BinaryPrimitives.ReadInt32LittleEndian(header[8..]) != dimension)
                return null;
            int count = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
            if (count < 0 || file.Length != 16 + (long)count * (12 + dimension))
                return null;
            var index = new FlatInt8Index(dimension, source);
            var fixedPart = new byte[12];
            var codes = new sbyte[dimension];
            for (int i = 0; i < count; i++)
            {
                file.ReadExactly(fixedPart);
                file.ReadExactly(MemoryMarshal.AsBytes(codes.AsSpan()));
                index.AddCodes(BinaryPrimitives.ReadInt64LittleEndian(fixedPart), BinaryPrimitives.ReadSingleLittleEndian(fixedPart.AsSpan(8)), codes);
            }
            return index;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The ids of the live rows.</summary>
    public IReadOnlyCollection<long> Ids()
    {
        _lock.EnterReadLock();
        try { return [.. _rowOf.Keys]; }
        finally { _lock.ExitReadLock(); }
    }
}
