using System.Buffers;
using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Sightline.Storage.Postgres;

/// <summary>
/// Files in the shared database (migration 22: <c>files</c> and <c>file_parts</c>), so every server sharing it reads
/// what any of them wrote. Content goes in and out in parts of <see cref="PartBytes"/> through one pooled buffer; a put
/// is one transaction (header row locked first, so puts of one key queue). Each server keeps the copies it reads under
/// its own cache directory, one file per generation (<c>CACHE/events/ID~GEN.jpg</c>), made whole under a temporary
/// name and renamed into place: a copy is never changed, and a new generation is a new copy. No lock is held while
/// reading or writing; two readers of an uncached file each make a copy and the last rename wins.
/// </summary>
public sealed partial class PostgresFileStore(NpgsqlDataSource dataSource, string cacheDirectory) : IFileStore
{
    /// <summary>Content per row: big enough that a 270 MB model is a few hundred rows, small enough for one pooled buffer.</summary>
    public const int PartBytes = 1024 * 1024;

    /// <summary>A cached copy of an older generation is removed once no reader can still be opening it.</summary>
    private static readonly TimeSpan s_oldCopyAge = TimeSpan.FromMinutes(1);

    private const int Attempts = 4;

    public string CacheDirectory { get; } = Path.GetFullPath(cacheDirectory);

    public string TempPath(string key)
    {
        string path = FileKeys.PathUnder(CacheDirectory, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return $"{path}.{Guid.NewGuid():N}.tmp";
    }

    public async Task PutAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        FileKeys.Validate(key);
        long generation = 0;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                generation = await WriteAsync(key, localPath, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException ex) when (PostgresErrors.IsRetryable(ex) && attempt < Attempts)
            {
                await Task.Delay(Random.Shared.Next(5, 20) * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (PostgresErrors.Translate(ex, null) is { } translated)
            {
                throw translated;
            }
        }
        // The writer's file becomes this server's copy of the new generation: nothing is read back.
        string copy = CopyPath(key, generation);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Move(localPath, copy, overwrite: true);
        RemoveOtherCopies(key, generation);
    }

    private async Task<long> WriteAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        file.Position = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long generation;
        await using (var header = new NpgsqlCommand(
            """
            INSERT INTO files (key, generation, size, written_at) VALUES (@key, nextval('file_generations'), @size, @at)
            ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, size = excluded.size, written_at = excluded.written_at
            RETURNING generation;
            """, connection, tx))
        {
            header.Parameters.AddWithValue("key", key);
            header.Parameters.AddWithValue("size", file.Length);
            header.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            generation = (long)(await header.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        await using (var clear = new NpgsqlCommand("DELETE FROM file_parts WHERE key = @key;", connection, tx))
        {
            clear.Parameters.AddWithValue("key", key);
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(PartBytes);
        try
        {
            await using var insert = new NpgsqlCommand("INSERT INTO file_parts (key, part, data) VALUES (@key, @part, @data);", connection, tx);
            insert.Parameters.AddWithValue("key", key);
            var part = new NpgsqlParameter<int>("part", NpgsqlDbType.Integer);
            var data = new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea);
            insert.Parameters.Add(part);
            insert.Parameters.Add(data);
            long written = 0;
            for (int n; (n = await file.ReadAtLeastAsync(buffer.AsMemory(0, PartBytes), PartBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0;)
            {
                part.TypedValue = (int)(written / PartBytes);
                data.TypedValue = buffer.AsMemory(0, n);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                written += n;
            }
            if (written != file.Length)
                throw new IOException($"'{localPath}' changed while it was being stored.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        cancellationToken.ThrowIfCancellationRequested();
        await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return generation;
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        FileKeys.Validate(key);
        int deleted;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var cmd = new NpgsqlCommand("DELETE FROM files WHERE key = @key;", connection))
        {
            cmd.Parameters.AddWithValue("key", key);
            deleted = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        RemoveOtherCopies(key, keep: null);
        return deleted > 0;
    }

    public async IAsyncEnumerable<StoredFile> ListAsync(string folder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prefix = FileKeys.ValidateFolder(folder) + "/";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            "SELECT key, size, written_at FROM files WHERE starts_with(key, @prefix) AND strpos(substr(key, @from), '/') = 0 ORDER BY key;", connection);
        cmd.Parameters.AddWithValue("prefix", prefix);
        cmd.Parameters.AddWithValue("from", prefix.Length + 1);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return new StoredFile(r.GetString(0), r.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)));
    }
}
