using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sightline.Access;

/// <summary>The parts of an HTTP request that AWS Signature Version 4 covers. Header names are lower case.</summary>
public sealed record SignableRequest(string Method, string RawPath, string? RawQuery, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body);

/// <summary>
/// AWS Signature Version 4 (HMAC-SHA256) as the AWS SDKs compute it: canonical request, string to sign, derived
/// signing key. Used by the server to verify and by Sightline's own clients (tests, benchmarks) to sign.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string PayloadHash(ReadOnlySpan<byte> body) => Hex(SHA256.HashData(body));

    public static string CanonicalRequest(SignableRequest request, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var sb = new StringBuilder();
        sb.Append(request.Method.ToUpperInvariant()).Append('\n');
        sb.Append(CanonicalPath(request.RawPath)).Append('\n');
        sb.Append(CanonicalQuery(request.RawQuery)).Append('\n');
        foreach (string name in signedHeaders)
            sb.Append(name).Append(':').Append(request.Headers.TryGetValue(name, out var v) ? Collapse(v) : "").Append('\n');
        sb.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    public static string Signature(byte[] signingKey, string stringToSign) =>
        Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>
    /// Signs a request (client side): returns the headers to add — x-amz-date, x-amz-content-sha256 and
    /// Authorization — signing every header in <see cref="SignableRequest.Headers"/> plus those two.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Sign(SignableRequest request, string accessKeyId, string secret, string region, string service, DateTimeOffset now)
    {
        string amzDate = now.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);
        string date = amzDate[..8];
        string payload = PayloadHash(request.Body.Span);
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.Ordinal)
        {
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payload,
        };
        var signed = headers.Keys.Order(StringComparer.Ordinal).ToList();
        string scope = $"{date}/{region}/{service}/aws4_request";
        string canonical = CanonicalRequest(request with { Headers = headers }, signed, payload);
        string signature = Signature(SigningKey(secret, date, region, service), StringToSign(amzDate, scope, canonical));
        return new Dictionary<string, string>
        {
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payload,
            ["authorization"] = $"{Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={string.Join(';', signed)}, Signature={signature}",
        };
    }

    /// <summary>The path as the SDKs canonicalise it for services other than S3: normalised, then URI-encoded again.</summary>
    public static string CanonicalPath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath))
            return "/";
        var segments = new List<string>();
        foreach (string segment in rawPath.Split('/'))
        {
            if (segment is "" or ".")
                continue;
            if (segment == "..")
            {
                if (segments.Count > 0) segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        string normalised = "/" + string.Join('/', segments) + (rawPath.EndsWith('/') && segments.Count > 0 ? "/" : "");
        return UriEncode(normalised).Replace("%2F", "/", StringComparison.Ordinal);
    }

    public static string CanonicalQuery(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
            return "";
        var pairs = rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            int eq = p.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(eq < 0 ? p : p[..eq]);
            string value = eq < 0 ? "" : Uri.UnescapeDataString(p[(eq + 1)..].Replace('+', ' '));
            return (Key: UriEncode(key), Value: UriEncode(value));
        });
        return string.Join('&', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>RFC 3986 encoding as SigV4 defines it: everything but A–Z a–z 0–9 - _ . ~ is %XX (upper-case hex).</summary>
    public static string UriEncode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~')
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string Collapse(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c is ' ' or '\t')
            {
                if (!space) sb.Append(' ');
                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }
        return sb.ToString();
    }
}
