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
    public static (AlertRule Rule, string Secret) Create(string? label, float? minConfidence, NormalBox? region, string? webhookUrl, AlertRuleTargets targets, string? createdBy,
        DateTimeOffset now, AlertSecrets secrets, OutboundPolicy outbound, AlertChannels channels)
    {
        label = label?.Trim();
        if (string.IsNullOrEmpty(label) || label.Length > MaxLabelLength)
            throw SightlineException.InvalidParameter($"label must be a non-empty name of at most {MaxLabelLength} characters.");
        if (minConfidence is not { } min || float.IsNaN(min) || min < 0 || min > 100)
            throw SightlineException.InvalidParameter($"minConfidence must be a number from 0 to 100, got {minConfidence?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}.");
        if (region is { } r && !(r.Left >= 0 && r.Top >= 0 && r.Width > 0 && r.Height > 0 && r.Left + r.Width <= 1.0001f && r.Top + r.Height <= 1.0001f))
            throw SightlineException.InvalidParameter($"region must be a normalised box inside the image (left, top ≥ 0; width, height > 0; left + width ≤ 1; top + height ≤ 1), got {r.Left},{r.Top},{r.Width},{r.Height}.");
        string? webhook = null;
        if (!string.IsNullOrEmpty(webhookUrl))
        {
            if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
                throw SightlineException.InvalidParameter($"webhook must be an absolute http:// or https:// URL, got '{webhookUrl}'.");
            outbound.Check(uri, "webhook"); // a link-local, metadata or (unless allowed) private address is refused now, and again at each delivery
            webhook = uri.ToString();
        }
        var cameras = Names(targets.Cameras, "camera");
        var zones = Names(targets.Zones, "zone");
        var emails = channels.Emails(targets.Emails);
        var sms = channels.Sms(targets.Sms);
        if (webhook is null && emails.Count == 0 && sms.Count == 0)
            throw SightlineException.InvalidParameter("a rule needs at least one channel: a webhook, email addresses or SMS targets.");
        string id = "rule-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var (stored, secret) = secrets.Issue(id);
        var rule = new AlertRule(id, label, min, region, webhook, stored, createdBy, now) { Cameras = cameras, Zones = zones, Emails = emails, Sms = sms };
        return (rule, secret);
    }

    /// <summary>A webhook-only rule for any source.</summary>
    public static (AlertRule Rule, string Secret) Create(string? label, float? minConfidence, NormalBox? region, string? webhookUrl, string? createdBy, DateTimeOffset now,
        AlertSecrets secrets, OutboundPolicy outbound) =>
        Create(label, minConfidence, region, webhookUrl, AlertRuleTargets.None, createdBy, now, secrets, outbound, AlertChannels.None);

    /// <summary>Camera or zone names as cameras take them (<see cref="CameraNames"/>); a camera need not exist yet.</summary>
    private static IReadOnlyList<string> Names(IReadOnlyList<string>? given, string what)
    {
        var names = (given ?? []).Select(n => n?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        foreach (string name in names)
        {
            if (!CameraNames.IsValid(name))
                throw SightlineException.InvalidParameter($"A {what} name is 1–{CameraNames.MaxLength} letters, digits, '-' or '_', starting with a letter or digit; got '{name}'.");
        }
        if (names.Count > AlertChannels.MaxTargets)
            throw SightlineException.InvalidParameter($"a rule names at most {AlertChannels.MaxTargets} {what}s, got {names.Count}.");
        return names;
    }

    /// <summary>Splits a comma-separated CLI list ("a,b"); empty for none.</summary>
    public static IReadOnlyList<string> SplitList(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToList();

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

/// <summary>Where a rule applies and where else it sends: cameras and zones (none for any), email addresses, SMS targets.</summary>
public sealed record AlertRuleTargets(IReadOnlyList<string>? Cameras = null, IReadOnlyList<string>? Zones = null, IReadOnlyList<string>? Emails = null, IReadOnlyList<string>? Sms = null)
{
    public static AlertRuleTargets None { get; } = new();
}

/// <summary>A rule as listed: everything but the secret (shown once, when the rule is created).</summary>
public sealed record AlertRuleView(string Id, string Label, float MinConfidence, NormalBox? Region, string? Webhook, IReadOnlyList<string> Cameras, IReadOnlyList<string> Zones,
    IReadOnlyList<string> Emails, IReadOnlyList<string> Sms, string? CreatedBy, DateTimeOffset CreatedAt)
{
    public static AlertRuleView From(AlertRule r) => new(r.Id, r.Label, r.MinConfidence, r.Region, r.WebhookUrl, r.Cameras, r.Zones, r.Emails, r.Sms, r.CreatedBy, r.CreatedAt);
}

/// <summary>A rule just created, with its signing secret: the only time the secret is shown.</summary>
public sealed record CreatedAlertRule(string Id, string Label, float MinConfidence, NormalBox? Region, string? Webhook, IReadOnlyList<string> Cameras, IReadOnlyList<string> Zones,
    IReadOnlyList<string> Emails, IReadOnlyList<string> Sms, string Secret, DateTimeOffset CreatedAt)
{
    public static CreatedAlertRule From(AlertRule r, string secret) => new(r.Id, r.Label, r.MinConfidence, r.Region, r.WebhookUrl, r.Cameras, r.Zones, r.Emails, r.Sms, secret, r.CreatedAt);
}
