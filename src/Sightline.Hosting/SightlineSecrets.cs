using System.Security.Cryptography;
using System.Text;
using Sightline.Access;
using Sightline.Alerts;
using Sightline.Storage;

namespace Sightline.Hosting;

/// <summary>
/// The keys a deployment keeps outside its database: the master key that seals access-key secrets, the audit chain's
/// seal key, the key alert-rule secrets are derived from and the key cameras' source credentials are sealed with. With the embedded database they are made on first use;
/// a shared database needs them provisioned once (<see cref="Provision"/>) and the same directory given to every process.
/// </summary>
public static class SightlineSecrets
{
    public static IReadOnlyList<string> KeyFiles { get; } = [AccessKeys.MasterKeyFileName, StoreSecrets.AuditKeyFileName, AlertSecrets.KeyFileName, Live.CameraSecrets.KeyFileName];

    /// <summary>The key files <paramref name="directory"/> lacks.</summary>
    public static IReadOnlyList<string> Missing(string directory) => [.. KeyFiles.Where(name => !File.Exists(Path.Combine(directory, name)))];

    /// <summary>Creates whichever keys are missing (32 random bytes each, mode 0600) and describes every key in the directory.</summary>
    public static IReadOnlyList<SecretKey> Provision(string directory)
    {
        var missing = Missing(directory);
        return [.. KeyFiles.Select(name => new SecretKey(name, Fingerprint(KeyFile.LoadOrCreate(Path.Combine(directory, name))), missing.Contains(name)))];
    }

    /// <summary>The keys present in <paramref name="directory"/>, by fingerprint, without creating any.</summary>
    public static IReadOnlyList<SecretKey> Describe(string directory) =>
        [.. KeyFiles.Where(name => File.Exists(Path.Combine(directory, name))).Select(name => new SecretKey(name, Fingerprint(KeyFile.LoadOrCreate(Path.Combine(directory, name))), false))];

    /// <summary>A short value two operators can compare to know they hold the same key, from which the key cannot be recovered.</summary>
    private static string Fingerprint(byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("sightline key fingerprint v1")).AsSpan(0, 8));
}

/// <summary>One key file: its name, a fingerprint to compare across machines, and whether this call created it.</summary>
public sealed record SecretKey(string File, string Fingerprint, bool Created);
