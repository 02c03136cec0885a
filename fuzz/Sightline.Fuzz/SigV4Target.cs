using System.Text;
using Sightline.Access;
using Sightline.Storage;
using Sightline.Storage.Sqlite;

namespace Sightline.Fuzz;

/// <summary>
/// A SigV4-signed request as text: the first line is <c>METHOD TARGET</c> (the target's query after '?'), then
/// <c>name: value</c> header lines, a blank line and the body. <c>{key}</c> anywhere in a header value stands for a
/// live access key issued on a real store in a temporary directory, and <c>{sig}</c> for the signature that key
/// gives the request as it stands, so inputs reach every check up to and including the signature comparison.
/// The server's clock is fixed at <see cref="Now"/>. A first line <c>BEARER</c> sends the next line (with the
/// same <c>{key}</c> and <c>{secret}</c> substitutions) as a native API bearer token instead.
/// </summary>
public sealed class SigV4Target : IFuzzTarget, IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory;
    private readonly SqliteCollectionStore _store;
    private readonly AccessKeys _keys;
    private readonly SigV4Verifier _verifier;
    private readonly IssuedKey _key;

    public SigV4Target()
    {
        _directory = Directory.CreateTempSubdirectory("sightline-fuzz-sigv4-").FullName;
        string secrets = Path.Combine(_directory, "secrets");
        var time = new FixedTime(Now);
        _store = new SqliteCollectionStore(Path.Combine(_directory, SqliteCollectionStore.FileName), new StoreSecrets(secrets));
        _keys = new AccessKeys(_store, secrets, time);
        _verifier = new SigV4Verifier(_keys, "rekognition", time);
        _key = _keys.CreateAsync(new AuditEntry("fuzz", "admin", "keys"), Roles.Analyst, null, null, "fuzzing", CancellationToken.None).GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    public string Name => "sigv4";

    public void Dispose()
    {
        _store.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        int headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        string head = headerEnd < 0 ? text : text[..headerEnd];
        byte[] body = headerEnd < 0 ? [] : Encoding.UTF8.GetBytes(text[(headerEnd + 2)..]);
        string[] lines = head.Split('\n');

        if (lines[0] == "BEARER")
        {
            string token = (lines.Length > 1 ? lines[1] : "").Replace("{key}", _key.AccessKeyId, StringComparison.Ordinal).Replace("{secret}", _key.SecretAccessKey, StringComparison.Ordinal);
            Expect("bearer", () => _keys.AuthenticateBearerAsync(token, CancellationToken.None));
            return;
        }

        int space = lines[0].IndexOf(' ', StringComparison.Ordinal);
        string method = space < 0 ? lines[0] : lines[0][..space];
        string target = space < 0 ? "/" : lines[0][(space + 1)..];
        int q = target.IndexOf('?', StringComparison.Ordinal);
        string path = q < 0 ? target : target[..q];
        string? query = q < 0 ? null : target[(q + 1)..];

        // No documented refusal: canonicalisation must take any path and query.
        SigV4.CanonicalPath(path);
        SigV4.CanonicalQuery(query);

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            string name = line[..colon].Trim().ToLowerInvariant();
            string value = line[(colon + 1)..].Trim().Replace("{key}", _key.AccessKeyId, StringComparison.Ordinal);
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        }
        var request = new SignableRequest(method, path, query, headers, body);
        if (headers.TryGetValue("authorization", out var authorization) && authorization.Contains("{sig}", StringComparison.Ordinal))
        {
            headers["authorization"] = authorization.Replace("{sig}", Sign(request, authorization), StringComparison.Ordinal);
        }
        Expect("sigv4", () => _verifier.VerifyAsync(request, CancellationToken.None));
    }

    /// <summary>The signature the issued key gives the request, from a lenient reading of its Authorization header.</summary>
    private string Sign(SignableRequest request, string authorization)
    {
        string? credential = null, signed = null;
        foreach (string part in authorization.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("Credential=", StringComparison.Ordinal)) credential = part["Credential=".Length..];
            else if (part.StartsWith("SignedHeaders=", StringComparison.Ordinal)) signed = part["SignedHeaders=".Length..];
        }
        string[] scope = credential?.Split('/') ?? [];
        if (scope.Length != 5 || signed is null || !request.Headers.TryGetValue("x-amz-date", out var amzDate))
            return new string('0', 64);
        var names = signed.Split(';');
        string canonical = SigV4.CanonicalRequest(request, names, SigV4.PayloadHash(request.Body.Span));
        var key = SigV4.SigningKey(_key.SecretAccessKey, scope[1], scope[2], scope[3]);
        return SigV4.Signature(key, SigV4.StringToSign(amzDate.Trim(), string.Join('/', scope[1..]), canonical));
    }

    private static void Expect(string step, Func<Task> action)
    {
        try
        {
            action().GetAwaiter().GetResult();
            FuzzTargets.Note(step);
        }
        catch (SightlineException ex)
        {
            FuzzTargets.Note(step, ex);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
