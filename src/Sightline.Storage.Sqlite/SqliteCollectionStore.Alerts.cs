using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IAlertStore
{
    private const string RuleColumns = "id, label, min_confidence, region_left, region_top, region_width, region_height, webhook_url, secret, created_by, created_at, cameras, zones, emails, sms";
    private const string AlertColumns = "id, rule_id, label, confidence, box_left, box_top, box_width, box_height, source, image_ref, created_at, status, attempts, last_error, delivered_at, channel, zones, node";

    public async Task AddAlertRuleAsync(AuditEntry audit, AlertRule rule, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, tx, $"INSERT INTO alert_rules ({RuleColumns}) VALUES ($id, $label, $min, $l, $t, $w, $h, $url, $secret, $by, $at, $cameras, $zones, $emails, $sms);", cancellationToken,
            ("$id", rule.Id), ("$label", rule.Label), ("$min", rule.MinConfidence), ("$l", rule.Region?.Left), ("$t", rule.Region?.Top), ("$w", rule.Region?.Width),
            ("$h", rule.Region?.Height), ("$url", AlertFields.StoredWebhook(rule.WebhookUrl)), ("$secret", rule.Secret), ("$by", rule.CreatedBy), ("$at", rule.CreatedAt.ToUnixTimeMilliseconds()),
            ("$cameras", AlertFields.List(rule.Cameras)), ("$zones", AlertFields.List(rule.Zones)), ("$emails", AlertFields.List(rule.Emails)), ("$sms", AlertFields.List(rule.Sms))).ConfigureAwait(false);
        // The record names the rule and what it watches for, never its secret.
        await CommitAuditedAsync(connection, tx, audit, Ids([rule.Id, rule.Label, .. Channels(rule)]), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertRule>> ListAlertRulesAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {RuleColumns} FROM alert_rules ORDER BY created_at, id;", ReadRule, cancellationToken).ConfigureAwait(false);

    public async Task<AlertRule?> GetAlertRuleAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {RuleColumns} FROM alert_rules WHERE id = $id;", ReadRule, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<bool> DeleteAlertRuleAsync(AuditEntry audit, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "DELETE FROM alert_rules WHERE id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false) == 0)
            return false;
        await CommitAuditedAsync(connection, tx, audit, Ids([id]), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task AddAlertsAsync(IReadOnlyList<AlertRecord> alerts, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var a in alerts)
        {
            await ExecAsync(connection, tx, $"INSERT INTO alerts ({AlertColumns}) VALUES ($id, $rule, $label, $conf, $l, $t, $w, $h, $source, $image, $at, $status, $attempts, $error, $delivered, $channel, $zones, $node);", cancellationToken,
                ("$id", a.Id), ("$rule", a.RuleId), ("$label", a.Label), ("$conf", a.Confidence), ("$l", a.Box.Left), ("$t", a.Box.Top), ("$w", a.Box.Width), ("$h", a.Box.Height),
                ("$source", a.Source), ("$image", a.ImageRef), ("$at", a.At.ToUnixTimeMilliseconds()), ("$status", a.Status), ("$attempts", a.Attempts), ("$error", a.LastError),
                ("$delivered", a.DeliveredAt?.ToUnixTimeMilliseconds()), ("$channel", a.Channel), ("$zones", AlertFields.List(a.Zones)), ("$node", a.Node)).ConfigureAwait(false);
        }
        await CommitAsync(tx, cancellationToken).ConfigureAwait(false);
    }

    public async Task SetAlertDeliveryAsync(string id, string status, int attempts, string? lastError, DateTimeOffset? deliveredAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, "UPDATE alerts SET status = $s, attempts = $n, last_error = $e, delivered_at = $d WHERE id = $id;", cancellationToken,
            ("$id", id), ("$s", status), ("$n", attempts), ("$e", lastError), ("$d", deliveredAt?.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {AlertColumns} FROM alerts WHERE $s IS NULL OR status = $s ORDER BY created_at DESC, rowid DESC LIMIT $limit;", ReadAlert, cancellationToken,
            ("$s", status), ("$limit", limit)).ConfigureAwait(false);

    private static AlertRecord ReadAlert(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFloat(3), new NormalBox(r.GetFloat(4), r.GetFloat(5), r.GetFloat(6), r.GetFloat(7)),
            r.GetString(8), Text(r, 9), FromUnixMs(r.GetInt64(10)))
        {
            Status = r.GetString(11),
            Attempts = r.GetInt32(12),
            LastError = Text(r, 13),
            DeliveredAt = r.IsDBNull(14) ? null : FromUnixMs(r.GetInt64(14)),
            Channel = r.GetString(15),
            Zones = AlertFields.List(r.GetString(16)),
            Node = r.GetString(17),
        };

    public async Task<IReadOnlyList<AlertRecord>> TakeOverAlertsAsync(string fromNode, string toNode, int limit, CancellationToken cancellationToken) =>
        [.. (await QueryAsync($"""
            UPDATE alerts SET node = $to WHERE rowid IN (
                SELECT rowid FROM alerts WHERE node = $from AND status = $queued ORDER BY created_at, rowid LIMIT $limit)
            RETURNING {AlertColumns}, rowid;
            """, r => (Alert: ReadAlert(r), Seq: r.GetInt64(18)), cancellationToken, ("$to", toNode), ("$from", fromNode), ("$queued", AlertStatus.Queued), ("$limit", limit)).ConfigureAwait(false))
            .OrderBy(a => a.Alert.At).ThenBy(a => a.Seq).Select(a => a.Alert)];

    /// <summary>What the audit record names of a rule's channels: the webhook, the addresses and the SMS targets.</summary>
    private static IEnumerable<string> Channels(AlertRule rule) =>
        (rule.WebhookUrl is { } url ? [url] : Array.Empty<string>()).Concat(rule.Emails).Concat(rule.Sms);

    private static AlertRule ReadRule(SqliteDataReader r)
    {
        NormalBox? region = r.IsDBNull(3) ? null : new NormalBox(r.GetFloat(3), r.GetFloat(4), r.GetFloat(5), r.GetFloat(6));
        return new AlertRule(r.GetString(0), r.GetString(1), r.GetFloat(2), region, AlertFields.Webhook(r.GetString(7)), r.GetString(8), Text(r, 9), FromUnixMs(r.GetInt64(10)))
        {
            Cameras = AlertFields.List(r.GetString(11)),
            Zones = AlertFields.List(r.GetString(12)),
            Emails = AlertFields.List(r.GetString(13)),
            Sms = AlertFields.List(r.GetString(14)),
        };
    }
}
