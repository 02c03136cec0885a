using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string RuleColumns = "id, label, min_confidence, region_left, region_top, region_width, region_height, webhook_url, secret, created_by, created_at";
    private const string AlertColumns = "id, rule_id, label, confidence, box_left, box_top, box_width, box_height, source, image_ref, created_at, status, attempts, last_error, delivered_at";

    public void AddAlertRule(AuditEntry audit, AlertRule rule) =>
        Write((c, tx) =>
        {
            using (var cmd = Command(c, $"INSERT INTO alert_rules ({RuleColumns}) VALUES (@id, @label, @min, @l, @t, @w, @h, @url, @secret, @by, @at);", tx,
                ("id", rule.Id), ("label", rule.Label), ("min", rule.MinConfidence), ("l", rule.Region?.Left), ("t", rule.Region?.Top), ("w", rule.Region?.Width),
                ("h", rule.Region?.Height), ("url", rule.WebhookUrl), ("secret", rule.Secret), ("by", rule.CreatedBy), ("at", Ms(rule.CreatedAt))))
                cmd.ExecuteNonQuery();
            // The record names the rule and what it watches for, never its secret.
            AppendAudited(c, tx, audit, Ids([rule.Id, rule.Label, rule.WebhookUrl]));
        });

    public IReadOnlyList<AlertRule> ListAlertRules() => Query($"SELECT {RuleColumns} FROM alert_rules ORDER BY created_at, id;", ReadRule);

    public AlertRule? GetAlertRule(string id) => Query($"SELECT {RuleColumns} FROM alert_rules WHERE id = @id;", ReadRule, ("id", id)).FirstOrDefault();

    public bool DeleteAlertRule(AuditEntry audit, string id) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, "DELETE FROM alert_rules WHERE id = @id;", tx, ("id", id));
            if (cmd.ExecuteNonQuery() == 0)
                return false;
            AppendAudited(c, tx, audit, Ids([id]));
            return true;
        });

    public void AddAlerts(IReadOnlyList<AlertRecord> alerts) =>
        Write((c, tx) =>
        {
            foreach (var a in alerts)
            {
                using var cmd = Command(c, $"INSERT INTO alerts ({AlertColumns}) VALUES (@id, @rule, @label, @conf, @l, @t, @w, @h, @source, @image, @at, @status, @attempts, @error, @delivered);", tx,
                    ("id", a.Id), ("rule", a.RuleId), ("label", a.Label), ("conf", a.Confidence), ("l", a.Box.Left), ("t", a.Box.Top), ("w", a.Box.Width), ("h", a.Box.Height),
                    ("source", a.Source), ("image", a.ImageRef), ("at", Ms(a.At)), ("status", a.Status), ("attempts", a.Attempts), ("error", a.LastError),
                    ("delivered", Ms(a.DeliveredAt)));
                cmd.ExecuteNonQuery();
            }
        });

    public void SetAlertDelivery(string id, string status, int attempts, string? lastError, DateTimeOffset? deliveredAt) =>
        Execute("UPDATE alerts SET status = @s, attempts = @n, last_error = @e, delivered_at = @d WHERE id = @id;",
            ("id", id), ("s", status), ("n", attempts), ("e", lastError), ("d", Ms(deliveredAt)));

    public IReadOnlyList<AlertRecord> ListAlerts(string? status, int limit) =>
        Query($"SELECT {AlertColumns} FROM alerts WHERE @s::text IS NULL OR status = @s ORDER BY created_at DESC, seq DESC LIMIT @limit;", ReadAlert,
            ("s", status), ("limit", limit));

    private static AlertRecord ReadAlert(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFloat(3), new NormalBox(r.GetFloat(4), r.GetFloat(5), r.GetFloat(6), r.GetFloat(7)),
            r.GetString(8), Text(r, 9), FromUnixMs(r.GetInt64(10)))
        {
            Status = r.GetString(11),
            Attempts = r.GetInt32(12),
            LastError = Text(r, 13),
            DeliveredAt = Time(r, 14),
        };

    private static AlertRule ReadRule(NpgsqlDataReader r)
    {
        NormalBox? region = r.IsDBNull(3) ? null : new NormalBox(r.GetFloat(3), r.GetFloat(4), r.GetFloat(5), r.GetFloat(6));
        return new AlertRule(r.GetString(0), r.GetString(1), r.GetFloat(2), region, r.GetString(7), r.GetString(8), Text(r, 9), FromUnixMs(r.GetInt64(10)));
    }
}
