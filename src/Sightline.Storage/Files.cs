namespace Sightline.Storage;

/// <summary>A stored file: its key, size and when it was put.</summary>
public sealed record StoredFile(string Key, long Size, DateTimeOffset WrittenAt);

/// <summary>
/// Files every server sharing the store can read (event snapshots, clips and paths, redaction outputs, detector models),
/// named by keys such as <c>events/ID.jpg</c>. Writers make a finished file on local disk (ffmpeg and ONNX Runtime want
/// paths) and hand it over with <see cref="PutAsync"/>; readers ask for a local path to read with <see cref="TryGetLocalAsync"/>.
/// The embedded provider keeps plain files under the data directory; a shared database keeps them in the database, and
/// each server materialises what it reads into a cache of its own.
/// </summary>
public interface IFileStore
{
    /// <summary>
    /// Where a writer makes the file of <paramref name="key"/>'s temporary copy before handing it over: a fresh path on the
    /// same disk as the store's files (so the hand-over is a rename), its directory created.
    /// </summary>
    string TempPath(string key);

    /// <summary>
    /// Takes the finished file at <paramref name="localPath"/> over as <paramref name="key"/>'s content, replacing any
    /// earlier one whole (a crash leaves the old file or the new one, never a mix). The caller must not use
    /// <paramref name="localPath"/> afterwards: it is moved or deleted.
    /// </summary>
    Task PutAsync(string key, string localPath, CancellationToken cancellationToken);

    /// <summary>A local path holding <paramref name="key"/>'s current content, or null when there is no such file. Read it, do not change it.</summary>
    Task<string?> TryGetLocalAsync(string key, CancellationToken cancellationToken);

    /// <summary>False when there was no such file.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The files whose keys are in the folder <paramref name="folder"/> (e.g. <c>events</c>), not below it.</summary>
    IAsyncEnumerable<StoredFile> ListAsync(string folder, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what this server keeps of files that are no longer stored (its copies of files replaced or deleted through
    /// other servers) and temporary files no writer still uses; how many files it removed. Each server runs it for itself.
    /// </summary>
    Task<int> PruneAsync(CancellationToken cancellationToken);
}

/// <summary>The rules for file keys: relative, '/'-separated, each segment letters, digits, '.', '_' or '-', never '.' or '..'.</summary>
public static class FileKeys
{
    public const int MaxLength = 512;

    /// <summary>The key, or InvalidParameter when it could escape its folder or names no file.</summary>
    public static string Validate(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength)
            throw SightlineException.InvalidParameter($"A file key is 1–{MaxLength} characters.");
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                throw SightlineException.InvalidParameter($"'{(key.Length > 64 ? key[..64] + "…" : key)}' is not a file key: '/'-separated names of letters, digits, '.', '_' or '-'.");
        }
        return key;
    }

    /// <summary>The folder, validated as a key (a folder is named as a key is).</summary>
    public static string ValidateFolder(string folder) => Validate(folder.TrimEnd('/'));

    /// <summary>Where <paramref name="key"/> lives under <paramref name="root"/>.</summary>
    public static string PathUnder(string root, string key) => Path.Combine(root, Validate(key).Replace('/', Path.DirectorySeparatorChar));
}
