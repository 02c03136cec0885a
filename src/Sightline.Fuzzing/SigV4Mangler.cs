using System.Globalization;
using Sightline.Access;

namespace Sightline.Fuzzing;

/// <summary>
/// Signs a request as the AWS SDKs do, and most of the time leaves it so; otherwise mangles the signature: none,
/// garbage, an unknown key or wrong secret, a damaged signature, dates malformed or outside the skew window, a wrong
/// credential scope or signed-header list, the body or payload hash changed after signing, the header twice, a
/// session token, or the Authorization header's own syntax broken.
/// </summary>
internal static class SigV4Mangler
{
    public static string Sign(Random rng, FuzzTarget target, string method, string path, Dictionary<string, string> signedHeaders, ref byte[] body,
        List<KeyValuePair<string, string>> headers)
    {
        int q = path.IndexOf('?', StringComparison.Ordinal);
        string rawPath = q < 0 ? path : path[..q];
        string? rawQuery = q < 0 ? null : path[(q + 1)..];
        int kind = rng.Chance(0.85) ? -1 : rng.Next(14);
        string id = kind == 2 ? "AKIA" + Convert.ToHexString(ImageCorpus.Noise(rng, 8)) : target.AccessKeyId;
        string secret = kind == 3 ? "wrong-secret" : target.SecretAccessKey;
        var now = DateTimeOffset.UtcNow;
        if (kind == 6)
            now += rng.One([TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(-6), TimeSpan.FromDays(-9000), TimeSpan.FromDays(3000), TimeSpan.FromHours(23)]);
        var sig = new Dictionary<string, string>(SigV4.Sign(new SignableRequest(method, rawPath, rawQuery, signedHeaders, body), id, secret, "us-east-1", "rekognition", now));
        string auth = sig["authorization"];
        string mutation = kind switch
        {
            -1 or 2 or 3 or 6 => kind switch { -1 => "signed", 2 => "sigv4-unknown-key", 3 => "sigv4-wrong-secret", _ => "sigv4-skewed-date" },
            0 => "sigv4-none",
            1 => "sigv4-garbage",
            4 => "sigv4-damaged-signature",
            5 => "sigv4-malformed-date",
            7 => "sigv4-wrong-scope",
            8 => "sigv4-wrong-signed-headers",
            9 => "sigv4-body-changed",
            10 => "sigv4-payload-hash",
            11 => "sigv4-twice",
            12 => "sigv4-session-token",
            _ => "sigv4-syntax",
        };
        switch (kind)
        {
            case 0: sig.Remove("authorization"); break;
            case 1: sig["authorization"] = rng.One(["AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ", "Bearer x", "AWS AKIA:sig", "AWS4-HMAC-SHA256 Credential=", new string('A', 9000), Hostile.Unicode(rng)]); break;
            case 4:
                int at = auth.LastIndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length;
                string signature = auth[at..];
                sig["authorization"] = auth[..at] + rng.Next(5) switch
                {
                    0 => signature[..^1],
                    1 => signature + "0",
                    2 => signature.ToUpperInvariant(),
                    3 => new string('z', signature.Length),
                    _ => signature[..10] + (signature[10] == 'a' ? 'b' : 'a') + signature[11..],
                };
                break;
            case 5:
                sig["x-amz-date"] = rng.One(["", "2026-12-04", "20261304T000000Z", "99999999T999999Z", "20261204T250000Z", "20261204", "２０２６１２０４T000000Z", "20261204T000000", now.ToString("R", CultureInfo.InvariantCulture)]);
                break;
            case 7:
                string date = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                string scope = $"{date}/us-east-1/rekognition/aws4_request";
                sig["authorization"] = auth.Replace(scope, rng.One([$"{date}/us-east-1/s3/aws4_request", $"20000101/us-east-1/rekognition/aws4_request", $"{date}/us-east-1/rekognition", $"{date}//rekognition/aws4_request",
                    $"{date}/us-east-1/rekognition/aws4_request/extra", "////", $"{date}/{new string('r', 3000)}/rekognition/aws4_request", ""]), StringComparison.Ordinal);
                break;
            case 8:
                int from = auth.IndexOf("SignedHeaders=", StringComparison.Ordinal) + "SignedHeaders=".Length, to = auth.IndexOf(',', from);
                sig["authorization"] = auth[..from] + rng.One(["", "host", "x-amz-date", "content-type;host;x-amz-date;x-not-sent", "HOST;X-AMZ-DATE", "host;host;x-amz-date", ";;;", string.Join(';', Enumerable.Repeat("h", 3000))]) + auth[to..];
                break;
            case 9: body = [.. body, (byte)' ']; break;
            case 10: sig["x-amz-content-sha256"] = rng.One(["UNSIGNED-PAYLOAD", "", new string('0', 64), "not-hex"]); break;
            case 11: headers.Add(new("authorization", auth)); break;
            case 12: headers.Add(new("x-amz-security-token", rng.One(["", "token", new string('t', 5000)]))); break;
            case 13:
                sig["authorization"] = rng.Next(5) switch
                {
                    0 => auth.Replace(", ", ",", StringComparison.Ordinal),
                    1 => auth.Replace(", ", " ", StringComparison.Ordinal),
                    2 => auth + ", Extra=1",
                    3 => auth.Replace("Credential=", "Credential", StringComparison.Ordinal),
                    _ => "AWS4-HMAC-SHA256 " + string.Join(", ", auth["AWS4-HMAC-SHA256 ".Length..].Split(", ").Reverse()),
                };
                break;
        }
        foreach (var (name, value) in sig)
            headers.Add(new(name, value));
        return mutation;
    }
}
