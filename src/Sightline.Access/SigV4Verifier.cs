using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sightline.Access;

/// <summary>
/// Verifies SigV4-signed requests against the keys Sightline issued: the credential scope (date matches the
/// request time, service as configured, any region), a clock-skew window (default 5 minutes either side, as
/// AWS), the payload hash and a constant-time signature comparison. As at AWS, a captured request can be replayed only
/// inside its skew window (identical requests signed in the same second are legitimate, so they are not refused);
/// TLS in front of the server keeps them from being captured. Failures carry the error types the AWS SDKs expect.
/// </summary>
public sealed class SigV4Verifier(AccessKeys keys, string service, TimeProvider? time = null, TimeSpan? maxSkew = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _skew = maxSkew ?? TimeSpan.FromMinutes(5);

    public TimeSpan MaxSkew => _skew;

    public async Task<Principal> VerifyAsync(SignableRequest request, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValue("authorization", out var authorization) || string.IsNullOrWhiteSpace(authorization))
            throw new SightlineException(ErrorKind.MissingAuthentication, "Missing Authentication Token: sign the request with AWS Signature Version 4 using a Sightline access key.");
        var (credential, signedHeaders, signature) = Parse(authorization);
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
            throw new SightlineException(ErrorKind.IncompleteSignature, $"Credential should be scoped to a valid region, service and date: '{credential}'.");
        if (!string.Equals(scope[3], service, StringComparison.Ordinal))
            throw new SightlineException(ErrorKind.InvalidSignature, $"Credential should be scoped to the correct service: '{service}', not '{scope[3]}'.");
        if (!signedHeaders.Contains("host"))
            throw new SightlineException(ErrorKind.IncompleteSignature, "SignedHeaders must include 'host'.");

        string amzDate = request.Headers.TryGetValue("x-amz-date", out var d) ? d.Trim() : "";
        if (!DateTimeOffset.TryParseExact(amzDate, SigV4.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
            throw new SightlineException(ErrorKind.IncompleteSignature, "The X-Amz-Date header is missing or not in the form yyyyMMddTHHmmssZ.");
        if (!signedHeaders.Contains("x-amz-date"))
            throw new SightlineException(ErrorKind.IncompleteSignature, "SignedHeaders must include 'x-amz-date'.");
        if (scope[1] != amzDate[..8])
            throw new SightlineException(ErrorKind.InvalidSignature, $"Credential date {scope[1]} does not match the request date {amzDate[..8]}.");
        var now = _time.GetUtcNow();
        if (signedAt < now - _skew || signedAt > now + _skew)
            throw new SightlineException(ErrorKind.InvalidSignature,
                $"Signature expired: {amzDate} is outside {_skew.TotalMinutes:0} minutes of the server time {now.UtcDateTime.ToString(SigV4.DateFormat, CultureInfo.InvariantCulture)}.");

        string payload = SigV4.PayloadHash(request.Body.Span);
        if (request.Headers.TryGetValue("x-amz-content-sha256", out var claimed) && !string.Equals(claimed.Trim(), payload, StringComparison.OrdinalIgnoreCase))
            throw new SightlineException(ErrorKind.InvalidSignature, "The x-amz-content-sha256 header does not match the request body.");

        var resolved = await keys.ResolveAsync(scope[0], cancellationToken).ConfigureAwait(false)
            ?? throw new SightlineException(ErrorKind.UnrecognizedClient, "The security token included in the request is invalid: unknown or revoked access key.");
        string canonical = SigV4.CanonicalRequest(request, signedHeaders, payload);
        string expected = SigV4.Signature(SigV4.SigningKey(resolved.Secret, scope[1], scope[2], scope[3]), SigV4.StringToSign(amzDate, string.Join('/', scope[1..]), canonical));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
            throw new SightlineException(ErrorKind.InvalidSignature,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
        return resolved.Principal;
    }

    private static (string Credential, List<string> SignedHeaders, string Signature) Parse(string authorization)
    {
        if (!authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
            throw new SightlineException(ErrorKind.IncompleteSignature, $"Only {SigV4.Algorithm} signatures are accepted.");
        string? credential = null, signedHeaders = null, signature = null;
        foreach (string part in authorization[(SigV4.Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            string value = part[(eq + 1)..];
            switch (part[..eq])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }
        if (credential is null || signedHeaders is null || signature is null)
            throw new SightlineException(ErrorKind.IncompleteSignature, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
        if (signature.Length != 64 || !signature.All(char.IsAsciiHexDigit))
            throw new SightlineException(ErrorKind.IncompleteSignature, "The signature must be 64 hexadecimal characters.");
        var names = signedHeaders.Split(';').ToList();
        if (names.Any(n => n.Length == 0 || n != n.ToLowerInvariant()))
            throw new SightlineException(ErrorKind.IncompleteSignature, "SignedHeaders must be lower-case names separated by ';'.");
        return (credential, names, signature);
    }
}
