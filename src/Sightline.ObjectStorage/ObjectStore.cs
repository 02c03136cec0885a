using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Sightline.Imaging;
using Sightline.Outbound;

namespace Sightline.ObjectStorage;

/// <summary>An S3-compatible endpoint (MinIO, AWS S3, ...) for buckets that are not mapped to local directories.</summary>
public sealed record S3Settings(string ServiceUrl, string AccessKeyId, string SecretAccessKey, string Region = "us-east-1");

/// <summary>A video object as a local file: the file itself, or a downloaded copy deleted on dispose.</summary>
public sealed class LocalObject(string path, bool temporary) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose()
    {
        if (temporary)
            File.Delete(Path);
    }
}

/// <summary>
/// Resolves <c>Image.S3Object</c> / <c>Video.S3Object</c>: first against local "bucket → directory" mappings
/// (<c>sightline serve --bucket evidence=/srv/evidence</c>), then, when one is configured, an S3-compatible
/// endpoint (AWS SDK for .NET, path-style, so MinIO works). A local object name is a relative path inside its
/// bucket's directory: absolute names, '..' segments, backslashes, and symbolic links that lead outside the
/// directory are refused, so no request can read a file outside a configured bucket. Images may be up to 15 MiB.
/// </summary>
public sealed class ObjectStore : IDisposable
{
    private readonly Dictionary<string, string> _buckets;
    private readonly AmazonS3Client? _s3;
    private readonly string _downloads;

    public ObjectStore(IReadOnlyDictionary<string, string> buckets, S3Settings? s3 = null, string? downloadDirectory = null, OutboundPolicy? outbound = null)
    {
        _downloads = downloadDirectory ?? System.IO.Path.GetTempPath();
        if (s3 is not null)
        {
            if (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                throw SightlineException.InvalidParameter($"--s3-endpoint must be an http(s) URL, got '{s3.ServiceUrl}'.");
            var policy = outbound ?? OutboundPolicy.PublicOnly;
            policy.Check(url, "--s3-endpoint");
            _s3 = new AmazonS3Client(new BasicAWSCredentials(s3.AccessKeyId, s3.SecretAccessKey), new AmazonS3Config
            {
                ServiceURL = s3.ServiceUrl,
                ForcePathStyle = true,
                AuthenticationRegion = s3.Region,
                MaxErrorRetry = 2,
                HttpClientFactory = new PolicyHttpClientFactory(policy), // every connection checked, no redirects, no proxy
            });
        }
        _buckets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, directory) in buckets)
        {
            if (!IsBucketName(name))
                throw SightlineException.InvalidParameter($"'{name}' is not a valid bucket name (3–63 lower-case letters, digits, '.', '-').");
            if (!Directory.Exists(directory))
                throw SightlineException.InvalidParameter($"The directory '{directory}' for bucket '{name}' does not exist.");
            _buckets[name] = RealPath(System.IO.Path.GetFullPath(directory));
        }
    }

    public IReadOnlyCollection<string> Buckets => _buckets.Keys;

    /// <summary>The directory of a configured local bucket (where results may be written), or null.</summary>
    public string? BucketDirectory(string? bucket) => bucket is not null && _buckets.TryGetValue(bucket, out var directory) ? directory : null;

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
        if (IsRemote(bucket))
            return ReadRemoteAsync(bucket!, Key(bucket, name), maxBytes, CancellationToken.None).GetAwaiter().GetResult(); // request threads are bounded by the concurrency limit
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

    /// <summary>Checks that an object exists (and is readable) without reading it.</summary>
    public void Check(string? bucket, string? name)
    {
        if (!IsRemote(bucket))
        {
            Resolve(bucket, name);
            return;
        }
        Remote(() => _s3!.GetObjectMetadataAsync(bucket, Key(bucket, name)), bucket!, name).GetAwaiter().GetResult();
    }

    /// <summary>An object as a local file (videos): local buckets in place, remote ones downloaded first.</summary>
    public async Task<LocalObject> OpenAsync(string? bucket, string? name, long maxBytes, CancellationToken ct)
    {
        if (!IsRemote(bucket))
            return new LocalObject(Resolve(bucket, name), temporary: false);
        string key = Key(bucket, name);
        using var response = await Remote(() => _s3!.GetObjectAsync(bucket, key, ct), bucket!, key).ConfigureAwait(false);
        if (response.ContentLength > maxBytes)
            throw SightlineException.TooLarge($"S3 object s3://{bucket}/{key} is {response.ContentLength:N0} bytes; the limit is {maxBytes:N0}.");
        Directory.CreateDirectory(_downloads);
        string path = System.IO.Path.Combine(_downloads, Guid.NewGuid().ToString("N"));
        await using (var file = File.Create(path))
            await response.ResponseStream.CopyToAsync(file, ct).ConfigureAwait(false);
        return new LocalObject(path, temporary: true);
    }

    public void Dispose() => _s3?.Dispose();

    private bool IsRemote(string? bucket) => _s3 is not null && bucket is { Length: > 0 } && !_buckets.ContainsKey(bucket);

    private static string Key(string? bucket, string? name) =>
        name is { Length: > 0 and <= 1024 } && !name.Any(char.IsControl)
            ? name
            : throw new SightlineException(ErrorKind.InvalidS3Object, $"'{name}' is not a valid object name in bucket '{bucket}'.");

    private async Task<byte[]> ReadRemoteAsync(string bucket, string key, long maxBytes, CancellationToken ct)
    {
        using var response = await Remote(() => _s3!.GetObjectAsync(bucket, key, ct), bucket, key).ConfigureAwait(false);
        if (response.ContentLength > maxBytes)
            throw SightlineException.TooLarge($"S3 object s3://{bucket}/{key} is {response.ContentLength:N0} bytes; the limit is {maxBytes:N0}.");
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Runs an S3 call, turning its failures into InvalidS3ObjectException as Rekognition reports them.</summary>
    private static async Task<T> Remote<T>(Func<Task<T>> call, string bucket, string? key)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex)
        {
            string why = ex.StatusCode == HttpStatusCode.NotFound ? "does not exist" : $"could not be read ({ex.ErrorCode ?? ex.StatusCode.ToString()})";
            throw new SightlineException(ErrorKind.InvalidS3Object, $"Unable to get object metadata from S3: s3://{bucket}/{key} {why}.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new SightlineException(ErrorKind.InvalidS3Object, $"The S3 endpoint could not be reached for s3://{bucket}/{key}: {ex.Message}", ex);
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
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, name));
        if (!File.Exists(path))
            throw new SightlineException(ErrorKind.InvalidS3Object, $"Unable to get object metadata from S3: s3://{bucket}/{name} does not exist.");
        string real = RealPath(path);
        if (!real.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new SightlineException(ErrorKind.InvalidS3Object, $"s3://{bucket}/{name} leads outside its bucket.");
        return real;
    }

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);

    /// <summary>The path with every symbolic link along it resolved.</summary>
    private static string RealPath(string path)
    {
        string current = System.IO.Path.GetPathRoot(path)!;
        foreach (string part in path[current.Length..].Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = System.IO.Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = RealPath(target.FullName);
        }
        return current;
    }
}
