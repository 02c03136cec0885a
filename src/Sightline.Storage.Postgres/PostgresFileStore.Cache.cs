using System.Data;
using System.Globalization;
using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresFileStore
{
    public async Task<string?> TryGetLocalAsync(string key, CancellationToken cancellationToken)
    {
        FileKeys.Validate(key);
        for (int attempt = 1; ; attempt++)
        {
            var (generation, size) = await HeaderAsync(key, cancellationToken).ConfigureAwait(false);
            if (generation is null)
            {
                RemoveOtherCopies(key, keep: null); // deleted by another server
                return null;
            }
            string copy = CopyPath(key, generation.Value);
            if (File.Exists(copy))
                return copy;
            if (await MaterialiseAsync(key, generation.Value, size, copy, cancellationToken).ConfigureAwait(false))
            {
                RemoveOtherCopies(key, generation.Value);
                return copy;
            }
            // Replaced (or deleted) between the header and the content: read the new header.
            if (attempt == Attempts)
                throw new SightlineException(ErrorKind.Throttling, $"The file '{key}' is being replaced over and over; try again.");
        }
    }

    private async Task<(long? Generation, long Size)> HeaderAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT generation, size FROM files WHERE key = @key;", connection);
        cmd.Parameters.AddWithValue("key", key);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? (r.GetInt64(0), r.GetInt64(1)) : (null, 0);
    }

    /// <summary>Writes generation <paramref name="generation"/>'s content to <paramref name="copy"/>; false when that generation is no longer the stored one.</summary>
    private async Task<bool> MaterialiseAsync(string key, long generation, long size, string copy, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        string temp = $"{copy}.{Guid.NewGuid():N}.tmp";
        try
        {
            long read = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                // One statement sees one snapshot: the parts of exactly this generation, or none when it was replaced.
                await using var cmd = new NpgsqlCommand(
                    "SELECT p.data FROM file_parts p JOIN files f ON f.key = p.key WHERE p.key = @key AND f.generation = @generation ORDER BY p.part;", connection);
                cmd.Parameters.AddWithValue("key", key);
                cmd.Parameters.AddWithValue("generation", generation);
                await using var r = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    await using var part = await r.GetStreamAsync(0, cancellationToken).ConfigureAwait(false);
                    await part.CopyToAsync(file, PartBytes / 16, cancellationToken).ConfigureAwait(false);
                    read = file.Position;
                }
            }
            if (read != size || (size == 0 && (await HeaderAsync(key, cancellationToken).ConfigureAwait(false)).Generation != generation))
                return false;
            File.Move(temp, copy, overwrite: true);
            return true;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>This server's copy of one generation of a key: <c>CACHE/DIR/NAME~GEN.EXT</c> ('~' is never in a key).</summary>
    private string CopyPath(string key, long generation)
    {
        string path = FileKeys.PathUnder(CacheDirectory, key);
        string name = Path.GetFileNameWithoutExtension(path), extension = Path.GetExtension(path);
        return Path.Combine(Path.GetDirectoryName(path)!, $"{name}~{generation.ToString(CultureInfo.InvariantCulture)}{extension}");
    }

    /// <summary>Removes this server's copies of other generations of the key (all when <paramref name="keep"/> is null) that no reader can still be opening.</summary>
    private void RemoveOtherCopies(string key, long? keep)
    {
        string path = FileKeys.PathUnder(CacheDirectory, key);
        var directory = new DirectoryInfo(Path.GetDirectoryName(path)!);
        if (!directory.Exists)
            return;
        string name = Path.GetFileNameWithoutExtension(path), extension = Path.GetExtension(path);
        var now = DateTime.UtcNow;
        foreach (var file in directory.EnumerateFiles(name + "~*" + extension))
        {
            string middle = file.Name[(name.Length + 1)..^extension.Length];
            if (!long.TryParse(middle, NumberStyles.None, CultureInfo.InvariantCulture, out long generation) || generation == keep)
                continue;
            if (keep is not null && now - file.LastWriteTimeUtc < s_oldCopyAge)
                continue;
            try
            {
                file.Delete();
            }
            catch (IOException)
            {
                // left for a later pass
            }
        }
    }
}
