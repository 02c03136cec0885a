using Sightline.Alerts;
using Sightline.Storage;

namespace Sightline.Detectors.Tests;

/// <summary>Rules: validation, matching (label, confidence, region centre), alert records, the bounded queue, signatures.</summary>
public sealed class AlertEvaluatorTests : IDisposable
{
    /// <summary>The tests' receivers are on loopback, which an operator allows by name; nothing else is.</summary>
    private static readonly Sightline.Outbound.OutboundPolicy s_loopback = new(["127.0.0.1"]);

    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    private AlertSecrets Secrets => new(Path.Combine(_f.Data, "secrets"));

    private async Task<AlertRule> RuleAsync(string label, float min, NormalBox? region = null) => (await IssueAsync(label, min, region)).Rule;

    private async Task<(AlertRule Rule, string Secret)> IssueAsync(string label, float min, NormalBox? region = null, AuditEntry? audit = null)
    {
        var issued = AlertRules.Create(label, min, region, "http://127.0.0.1:9/hook", "test", DateTimeOffset.UtcNow, Secrets, s_loopback);
        await _f.Alerts.AddAlertRuleAsync(audit ?? RegistryFixture.TestEntry, issued.Rule, RegistryFixture.Ct);
        return issued;
    }

    [Theory]
    [InlineData("gun", 101f, null, "http://x/", "minConfidence")]
    [InlineData("gun", -1f, null, "http://x/", "minConfidence")]
    [InlineData(" ", 50f, null, "http://x/", "label")]
    [InlineData("gun", 50f, null, "ftp://x/", "webhook")]
    [InlineData("gun", 50f, null, "not a url", "webhook")]
    [InlineData("gun", 50f, "0.5,0.5,0.6,0.1", "http://x/", "region")]
    [InlineData("gun", 50f, "0,0,0,0.1", "http://x/", "region")]
    [InlineData("gun", 50f, null, "http://169.254.169.254/latest/meta-data/", "link-local or cloud-metadata")]
    [InlineData("gun", 50f, null, "http://[fd00:ec2::254]/", "link-local or cloud-metadata")]
    [InlineData("gun", 50f, null, "http://10.20.30.40:8080/hook", "--allow-outbound 10.20.30.40:8080")]
    public void Malformed_rules_are_refused_with_the_field_named(string label, float min, string? region, string webhook, string named)
    {
        var ex = Assert.Throws<SightlineException>(() =>
            AlertRules.Create(label, min, region is null ? null : AlertRules.ParseRegion(region), webhook, null, DateTimeOffset.UtcNow, Secrets, s_loopback));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_instances_of_the_label_at_or_above_the_confidence_centred_in_the_region_alert()
    {
        var any = await RuleAsync("Gun", 80);
        var topLeft = await RuleAsync("gun", 10, new NormalBox(0, 0, 0.5f, 0.5f));
        await RuleAsync("knife", 10);
        var queue = new AlertQueue(new AlertOptions());
        var evaluator = new AlertEvaluator(_f.Alerts, queue, new AlertOptions());
        var raised = await evaluator.EvaluateAsync("detector:w", "sha256:abc", [
            new LabelledBox("gun", 90, new NormalBox(0.6f, 0.6f, 0.2f, 0.2f)), // centre (0.7, 0.7): 'any' only
            new LabelledBox("gun", 70, new NormalBox(0.1f, 0.1f, 0.2f, 0.2f)), // centre (0.2, 0.2), below 80: 'topLeft' only
            new LabelledBox("rifle", 99, new NormalBox(0, 0, 1, 1)),
        ], RegistryFixture.Ct);
        Assert.Equal([(any.Id, 90f), (topLeft.Id, 70f)], raised.Select(a => (a.RuleId, a.Confidence)).OrderBy(p => p.Item2 < 80));
        var stored = await _f.Alerts.ListAlertsAsync(null, 10, RegistryFixture.Ct);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, a => Assert.Equal((AlertStatus.Queued, "detector:w", "sha256:abc"), (a.Status, a.Source, a.ImageRef)));
        Assert.Equal(2, queue.Reader.Count);
    }

    [Fact]
    public async Task A_full_queue_records_the_alert_as_dropped()
    {
        await RuleAsync("gun", 10);
        var queue = new AlertQueue(new AlertOptions { QueueCapacity = 1 });
        var evaluator = new AlertEvaluator(_f.Alerts, queue, new AlertOptions());
        var box = new LabelledBox("gun", 90, new NormalBox(0, 0, 1, 1));
        await evaluator.EvaluateAsync("s", null, [box], RegistryFixture.Ct);
        var second = await evaluator.EvaluateAsync("s", null, [box], RegistryFixture.Ct);
        Assert.Equal(AlertStatus.Dropped, Assert.Single(second).Status);
        Assert.Equal(1, queue.Dropped);
        Assert.Single(await _f.Alerts.ListAlertsAsync(AlertStatus.Dropped, 10, RegistryFixture.Ct));
        Assert.Contains("full", (await _f.Alerts.ListAlertsAsync(AlertStatus.Dropped, 10, RegistryFixture.Ct))[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_signature_is_the_hex_HMAC_SHA256_of_the_body_keyed_with_the_secret()
    {
        // RFC 4231 test case 2.
        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", AlertRules.Sign("Jefe", "what do ya want for nothing?"u8));
    }

    [Fact]
    public async Task The_database_keeps_no_signing_secret_only_a_salt_the_key_file_turns_back_into_it()
    {
        var (rule, secret) = await IssueAsync("gun", 50);
        var stored = (await _f.Alerts.ListAlertRulesAsync(RegistryFixture.Ct)).Single();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored.Secret, StringComparison.Ordinal);
        Assert.Equal(secret, Secrets.Resolve(stored));
        Assert.True(File.Exists(Path.Combine(_f.Data, "secrets", AlertSecrets.KeyFileName)));
        // Another key (a database copied without its secrets directory) derives another secret: it cannot sign.
        Assert.NotEqual(secret, new AlertSecrets(Path.Combine(_f.Data, "other-secrets")).Resolve(stored));
        // A rule stored before secrets were derived holds the secret itself, and keeps signing with it.
        Assert.Equal("whsec_legacy", Secrets.Resolve(rule with { Secret = "whsec_legacy" }));
        foreach (var file in Directory.EnumerateFiles(_f.Data, "*", SearchOption.AllDirectories).Where(f => !f.Contains("secrets", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            Assert.DoesNotContain(secret, reader.ReadToEnd(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rule_changes_are_audited_without_the_secret()
    {
        AlertRule rule;
        string secret;
        (rule, secret) = await IssueAsync("gun", 50, audit: new AuditEntry("tester", "admin", "CreateAlertRule"));
        Assert.Null((await _f.Alerts.ListAlertRulesAsync(RegistryFixture.Ct)).Select(AlertRuleView.From).Single().GetType().GetProperty("Secret"));
        Assert.True(await _f.Alerts.DeleteAlertRuleAsync(new AuditEntry("tester", "admin", "RemoveAlertRule"), rule.Id, RegistryFixture.Ct));
        var audit = await _f.Audit.ReadAuditAsync(0, 10, RegistryFixture.Ct);
        Assert.Equal(["CreateAlertRule", "RemoveAlertRule"], audit.Select(a => a.Entry.Operation));
        Assert.DoesNotContain(secret, audit[0].Entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(rule.Secret, audit[0].Entry.Details, StringComparison.Ordinal);
    }
}
