using System.Security.Cryptography;

namespace Sightline.Storage;

/// <summary>How a kept probe image is named: the lowercase hex SHA-256 of its JPEG bytes.</summary>
public static class ProbeImages
{
    public static string Sha256(ReadOnlySpan<byte> jpeg) => Convert.ToHexStringLower(SHA256.HashData(jpeg));
}
