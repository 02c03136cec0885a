using System.Runtime.CompilerServices;

namespace Sightline.Storage;

/// <summary>
/// Files as plain files under one server's data directory (<c>DATA/KEY</c>), for the embedded database: a file handed
/// over is renamed into place (no copy), and a reader is given the file itself.
/// </summary>
public sealed class LocalFileStore(string root) : IFileStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string TempPath(string key)
    {
        string path = FileKeys.PathUnder(Root, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return $"{path}.{Guid.NewGuid():N}.tmp";
    }

    public Task PutAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = FileKeys.PathUnder(Root, key);
        if (string.Equals(Path.GetFullPath(localPath), path, StringComparison.Ordinal))
            return File.Exists(path) ? Task.CompletedTask : throw new FileNotFoundException($"No file to store as '{key}'.", localPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(localPath, path, overwrite: true);
        return Task.CompletedTask;
    }

    public Task<string?> TryGetLocalAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = FileKeys.PathUnder(Root, key);
        return Task.FromResult(File.Exists(path) ? path : null);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = FileKeys.PathUnder(Root, key);
        if (!File.Exists(path))
            return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<StoredFile> ListAsync(string folder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        folder = FileKeys.ValidateFolder(folder);
        var directory = new DirectoryInfo(FileKeys.PathUnder(Root, folder));
        if (!directory.Exists)
            yield break;
        foreach (var file in directory.EnumerateFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.Name.EndsWith(".tmp", StringComparison.Ordinal) || !IsKeySegment(file.Name))
                continue;
            yield return new StoredFile(folder + "/" + file.Name, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Nothing to do: the files are the store (temporary ones are swept by their writers' retention).</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken) => Task.FromResult(0);

    private static bool IsKeySegment(string name) => name is not ("." or "..") && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
