using System.Globalization;
using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresFileStore
{
    /// <summary>A temporary file this old has no writer left (a clip or model is written well within it).</summary>
    private static readonly TimeSpan s_temporaryAge = TimeSpan.FromHours(1);

    /// <summary>Copies looked up in the database per query.</summary>
    private const int PruneBatch = 1000;

    /// <summary>
    /// Removes this server's copies of generations no longer stored (replaced or deleted through any server) and its
    /// temporary files no writer still uses. Copies made within the last minute are left: a reader may be opening one.
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cache = new DirectoryInfo(CacheDirectory);
        if (!cache.Exists)
            return 0;
        int removed = 0;
        var now = DateTime.UtcNow;
        var copies = new List<(FileInfo File, string Key, long Generation)>();
        foreach (var file in cache.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.Name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                if (now - file.LastWriteTimeUtc > s_temporaryAge && TryDelete(file))
                    removed++;
            }
            else if (now - file.LastWriteTimeUtc >= s_oldCopyAge && CopyOf(file) is { } copy)
            {
                copies.Add((file, copy.Key, copy.Generation));
            }
        }
        foreach (var batch in copies.Chunk(PruneBatch))
        {
            var current = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await using (var cmd = new NpgsqlCommand("SELECT key, generation FROM files WHERE key = ANY(@keys);", connection))
            {
                cmd.Parameters.AddWithValue("keys", batch.Select(c => c.Key).Distinct(StringComparer.Ordinal).ToArray());
                await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    current[r.GetString(0)] = r.GetInt64(1);
            }
            foreach (var (file, key, generation) in batch)
            {
                if ((!current.TryGetValue(key, out long stored) || stored != generation) && TryDelete(file))
                    removed++;
            }
        }
        return removed;
    }

    /// <summary>The key and generation a copy (<c>CACHE/DIR/NAME~GEN.EXT</c>) holds; null for any other file.</summary>
    private (string Key, long Generation)? CopyOf(FileInfo file)
    {
        string name = file.Name;
        int tilde = name.LastIndexOf('~');
        if (tilde <= 0)
            return null;
        int dot = name.IndexOf('.', tilde);
        string digits = dot < 0 ? name[(tilde + 1)..] : name[(tilde + 1)..dot];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long generation))
            return null;
        string folder = Path.GetRelativePath(CacheDirectory, file.DirectoryName!).Replace(Path.DirectorySeparatorChar, '/');
        string key = (folder == "." ? "" : folder + "/") + name[..tilde] + (dot < 0 ? "" : name[dot..]);
        try
        {
            return (FileKeys.Validate(key), generation);
        }
        catch (SightlineException)
        {
            return null;
        }
    }

    private static bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // the next pass tries again
        }
    }
}
