using System.Security.Cryptography;

namespace Sightline.Identification;

/// <summary>How an audit record names a probe: a SHA-256 of its bytes or where it was read from — never the image.</summary>
public static class Probe
{
    private const int MaxLength = 1100;

    public static string Of(ReadOnlySpan<byte> image) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(image));

    public static string OfS3(string? bucket, string? name)
    {
        string location = $"s3://{bucket}/{name}";
        return location.Length <= MaxLength ? location : location[..MaxLength];
    }
}
