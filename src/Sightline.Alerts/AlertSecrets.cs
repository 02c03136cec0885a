using System.Security.Cryptography;
using System.Text;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Webhook signing secrets are derived, never stored: a rule's secret is <c>whsec_</c> and the hex
/// HMAC-SHA256(key, rule id ‖ salt), with the key in its own file under the secrets directory
/// (<see cref="KeyFileName"/>, mode 0600), and the database keeps only the salt. A copy of the database alone
/// cannot forge an alert. Rules stored before derivation hold their secret itself and keep working.
/// </summary>
public sealed class AlertSecrets(string secretsDirectory)
{
    public const string KeyFileName = "alerts.key";
    private const string Prefix = "derived:v1:";
    private readonly Lazy<byte[]> _key = new(() => KeyFile.LoadOrCreate(Path.Combine(secretsDirectory, KeyFileName)));

    /// <summary>A new rule's secret (shown once) and what the database keeps in its place.</summary>
    public (string Stored, string Secret) Issue(string ruleId)
    {
        string salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return (Prefix + salt, Derive(ruleId, salt));
    }

    /// <summary>The secret a rule's deliveries are signed with.</summary>
    public string Resolve(AlertRule rule) =>
        rule.Secret.StartsWith(Prefix, StringComparison.Ordinal) ? Derive(rule.Id, rule.Secret[Prefix.Length..]) : rule.Secret;

    private string Derive(string ruleId, string salt) =>
        "whsec_" + Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(ruleId + "\0" + salt)));
}
