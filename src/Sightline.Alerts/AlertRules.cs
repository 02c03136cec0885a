using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sightline.Outbound;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>Validates and creates alert rules (the boundary for the API and the CLI), and signs webhook bodies.</summary>
public static class AlertRules
{
    public const int MaxLabelLength = 256;
    public const string SignatureHeader = "X-Sightline-Signature";

    /// <summary>A validated new rule as stored (its secret derived: see <see cref="AlertSecrets"/>) and its signing secret, shown once.</summary>
    public static (AlertRule Rule, string Secret) Create(string? label, float? minConfidence, NormalBox? region, string? webhookUrl, string? createdBy, DateTimeOffset now,
        AlertSecrets secrets, OutboundPolicy outbound)
    {
        label = label?.Trim();
        if (string.IsNullOrEmpty(label) || label.Length > MaxLabelLength)
            throw SightlineException.InvalidParameter($"label must be a non-empty name of at most {MaxLabelLength} characters.");
        if (minConfidence is not { } min || float.IsNaN(min) || min < 0 || min > 100)
            throw SightlineException.InvalidParameter($"minConfidence must be a number from 0 to 100, got {minConfidence?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}.");
        if (region is { } r && !(r.Left >= 0 && r.Top >= 0 && r.Width > 0 && r.Height > 0 && r.Left + r.Width <= 1.0001f && r.Top + r.Height <= 1.0001f))
            throw SightlineException.InvalidParameter($"region must be a normalised box inside the image (left, top ≥ 0; width, height > 0; left + width ≤ 1; top + height ≤ 1), got {r.Left},{r.Top},{r.Width},{r.Height}.");
        if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            throw SightlineException.InvalidParameter($"webhook must be an absolute http:// or https:// URL, got '{webhookUrl}'.");
        outbound.Check(uri, "webhook"); // a link-local, metadata or (unless allowed) private address is refused now, and again at each delivery
        string id = "rule-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var (stored, secret) = secrets.Issue(id);
        return (new AlertRule(id, label, min, region, uri.ToString(), stored, createdBy, now), secret);
    }

    /// <summary>Parses "left,top,width,height" (normalised) as the CLI takes it.</summary>
    public static NormalBox ParseRegion(string text)
    {
        var parts = text.Split(',');
        var values = new float[4];
        if (parts.Length != 4 || !parts.Select((p, i) => float.TryParse(p.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
            throw SightlineException.InvalidParameter($"region must be four numbers 'left,top,width,height' (0–1), got '{text}'.");
        return new NormalBox(values[0], values[1], values[2], values[3]);
    }

    /// <summary>The signature header's value: <c>sha256=</c> and the lowercase hex HMAC-SHA256 of the body, keyed with the rule's secret (UTF-8).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>A rule as listed: everything but the secret (shown once, when the rule is created).</summary>
public sealed record AlertRuleView(string Id, string Label, float MinConfidence, NormalBox? Region, string Webhook, string? CreatedBy, DateTimeOffset CreatedAt)
{
    public static AlertRuleView From(AlertRule r) => new(r.Id, r.Label, r.MinConfidence, r.Region, r.WebhookUrl, r.CreatedBy, r.CreatedAt);
}

/// <summary>A rule just created, with its signing secret: the only time the secret is shown.</summary>
public sealed record CreatedAlertRule(string Id, string Label, float MinConfidence, NormalBox? Region, string Webhook, string Secret, DateTimeOffset CreatedAt)
{
    public static CreatedAlertRule From(AlertRule r, string secret) => new(r.Id, r.Label, r.MinConfidence, r.Region, r.WebhookUrl, secret, r.CreatedAt);
}
