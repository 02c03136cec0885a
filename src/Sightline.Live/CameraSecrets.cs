using System.Security.Cryptography;
using System.Text;

namespace Sightline.Live;

/// <summary>
/// Seals a camera's source credentials (the URL's user information) with AES-256-GCM under its own key file in the
/// secrets directory (<see cref="KeyFileName"/>, mode 0600); the camera's name is the associated data, so a sealed
/// value copied onto another camera does not open. A copy of the database alone reveals no credentials.
/// </summary>
public sealed class CameraSecrets(string secretsDirectory)
{
    public const string KeyFileName = "cameras.key";
    private const string Prefix = "aesgcm:v1:";
    private readonly Lazy<byte[]> _key = new(() => KeyFile.LoadOrCreate(Path.Combine(secretsDirectory, KeyFileName)));

    public string Seal(string camera, string credentials)
    {
        byte[] plain = Encoding.UTF8.GetBytes(credentials);
        byte[] sealedBytes = new byte[12 + plain.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, 16);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), Encoding.UTF8.GetBytes(camera));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    public string Open(string camera, string sealedText)
    {
        byte[] data;
        try
        {
            data = sealedText.StartsWith(Prefix, StringComparison.Ordinal) ? Convert.FromBase64String(sealedText[Prefix.Length..]) : [];
        }
        catch (FormatException)
        {
            data = [];
        }
        if (data.Length < 28)
            throw new SightlineException(ErrorKind.Internal, $"The stored credentials of camera '{camera}' are not in a form this build reads.");
        byte[] plain = new byte[data.Length - 28];
        try
        {
            using var aes = new AesGcm(_key.Value, 16);
            aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(12, plain.Length), data.AsSpan(12 + plain.Length), plain, Encoding.UTF8.GetBytes(camera));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SightlineException(ErrorKind.Internal, $"The stored credentials of camera '{camera}' do not open with this data directory's camera key ({KeyFileName}).", ex);
        }
        return Encoding.UTF8.GetString(plain);
    }
}
