using Sightline.Imaging;

namespace Sightline.Server;

/// <summary>
/// Resolves <c>Image.S3Object</c> / <c>Video.S3Object</c> against local "bucket → directory" mappings
/// (<c>sightline serve --bucket evidence=/srv/evidence</c>). An object name is a relative path inside its bucket's
/// directory: absolute names, '..' segments, backslashes, and symbolic links that lead outside the directory are
/// refused, so no request can read a file outside a configured bucket. Objects may be up to 15 MiB (images).
/// </summary>
public sealed class ObjectStore
{
    private readonly Dictionary<string, string> _buckets;

    public ObjectStore(IReadOnlyDictionary<string, string> buckets)
    {
        _buckets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, directory) in buckets)
        {
            if (!IsBucketName(name))
                throw SightlineException.InvalidParameter($"'{name}' is not a valid bucket name (3–63 lower-case letters, digits, '.', '-').");
            if (!Directory.Exists(directory))
                throw SightlineException.InvalidParameter($"The directory '{directory}' for bucket '{name}' does not exist.");
            _buckets[name] = RealPath(Path.GetFullPath(directory));
        }
    }

    public IReadOnlyCollection<string> Buckets => _buckets.Keys;

    /// <summary>Parses <c>NAME=DIRECTORY</c>.</summary>
    public static KeyValuePair<string, string> ParseMapping(string mapping)
    {
        int eq = mapping.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == mapping.Length - 1)
            throw SightlineException.InvalidParameter($"--bucket takes NAME=DIRECTORY, got '{mapping}'.");
        return new(mapping[..eq], mapping[(eq + 1)..]);
    }

    public byte[] Read(string? bucket, string? name, long maxBytes = ImageLimits.RekognitionFileBytes)
    {
        string path = Resolve(bucket, name);
        var info = new FileInfo(path);
        if (info.Length > maxBytes)
            throw SightlineException.TooLarge($"S3 object s3://{bucket}/{name} is {info.Length:N0} bytes; the limit is {maxBytes:N0}.");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SightlineException(ErrorKind.InvalidS3Object, $"Unable to read S3 object s3://{bucket}/{name}.", ex);
        }
    }

    /// <summary>The local path of an object, checked to lie inside its bucket's directory.</summary>
    public string Resolve(string? bucket, string? name)
    {
        if (string.IsNullOrEmpty(bucket) || !_buckets.TryGetValue(bucket, out var root))
            throw new SightlineException(ErrorKind.InvalidS3Object, $"Unable to get object metadata from S3: bucket '{bucket}' is not configured on this server.");
        if (string.IsNullOrEmpty(name) || name.Length > 1024 || name.StartsWith('/') || name.Contains('\\', StringComparison.Ordinal)
            || name.Split('/').Any(segment => segment is ".." or "." or "") || name.Any(char.IsControl))
            throw new SightlineException(ErrorKind.InvalidS3Object, $"'{name}' is not a valid object name in bucket '{bucket}'.");
        string path = Path.GetFullPath(Path.Combine(root, name));
        if (!File.Exists(path))
            throw new SightlineException(ErrorKind.InvalidS3Object, $"Unable to get object metadata from S3: s3://{bucket}/{name} does not exist.");
        string real = RealPath(path);
        if (!real.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new SightlineException(ErrorKind.InvalidS3Object, $"s3://{bucket}/{name} leads outside its bucket.");
        return real;
    }

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);

    /// <summary>The path with every symbolic link along it resolved.</summary>
    private static string RealPath(string path)
    {
        string current = Path.GetPathRoot(path)!;
        foreach (string part in path[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = RealPath(target.FullName);
        }
        return current;
    }
}
