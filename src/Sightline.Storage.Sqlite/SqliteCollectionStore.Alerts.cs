using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IAlertStore
{
    private const string RuleColumns = "id, label, min_confidence, region_left, region_top, region_width, region_height, webhook_url, secret, created_by, created_at";
    private const string AlertColumns = "id, rule_id, label, confidence, box_left, box_top, box_width, box_height, source, image_ref, created_at, status, attempts, last_error, delivered_at";

    public void AddAlertRule(AuditEntry audit, AlertRule rule)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using (var cmd = Command(connection, $"INSERT INTO alert_rules ({RuleColumns}) VALUES ($id, $label, $min, $l, $t, $w, $h, $url, $secret, $by, $at);", tx,
            ("$id", rule.Id), ("$label", rule.Label), ("$min", rule.MinConfidence), ("$l", rule.Region?.Left), ("$t", rule.Region?.Top), ("$w", rule.Region?.Width),
            ("$h", rule.Region?.Height), ("$url", rule.WebhookUrl), ("$secret", rule.Secret), ("$by", rule.CreatedBy), ("$at", rule.CreatedAt.ToUnixTimeMilliseconds())))
            cmd.ExecuteNonQuery();
        // The record names the rule and what it watches for, never its secret.
        CommitAudited(connection, tx, audit, System.Text.Json.JsonSerializer.Serialize(new[] { rule.Id, rule.Label, rule.WebhookUrl }, AuditJson.Default.StringArray));
    }

    public IReadOnlyList<AlertRule> ListAlertRules() => QueryRules($"SELECT {RuleColumns} FROM alert_rules ORDER BY created_at, id;", null);

    public AlertRule? GetAlertRule(string id) => QueryRules($"SELECT {RuleColumns} FROM alert_rules WHERE id = $id;", id).FirstOrDefault();

    public bool DeleteAlertRule(AuditEntry audit, string id)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        using var cmd = Command(connection, "DELETE FROM alert_rules WHERE id = $id;", tx, ("$id", id));
        if (cmd.ExecuteNonQuery() == 0)
            return false;
        CommitAudited(connection, tx, audit, Ids([id]));
        return true;
    }

    public void AddAlerts(IReadOnlyList<AlertRecord> alerts)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        foreach (var a in alerts)
        {
            using var cmd = Command(connection, $"INSERT INTO alerts ({AlertColumns}) VALUES ($id, $rule, $label, $conf, $l, $t, $w, $h, $source, $image, $at, $status, $attempts, $error, $delivered);", tx,
                ("$id", a.Id), ("$rule", a.RuleId), ("$label", a.Label), ("$conf", a.Confidence), ("$l", a.Box.Left), ("$t", a.Box.Top), ("$w", a.Box.Width), ("$h", a.Box.Height),
                ("$source", a.Source), ("$image", a.ImageRef), ("$at", a.At.ToUnixTimeMilliseconds()), ("$status", a.Status), ("$attempts", a.Attempts), ("$error", a.LastError),
                ("$delivered", a.DeliveredAt?.ToUnixTimeMilliseconds()));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public void SetAlertDelivery(string id, string status, int attempts, string? lastError, DateTimeOffset? deliveredAt)
    {
        using var connection = Open();
        using var cmd = Command(connection, "UPDATE alerts SET status = $s, attempts = $n, last_error = $e, delivered_at = $d WHERE id = $id;", null,
            ("$id", id), ("$s", status), ("$n", attempts), ("$e", lastError), ("$d", deliveredAt?.ToUnixTimeMilliseconds()));
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<AlertRecord> ListAlerts(string? status, int limit)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"SELECT {AlertColumns} FROM alerts WHERE $s IS NULL OR status = $s ORDER BY created_at DESC, rowid DESC LIMIT $limit;", null,
            ("$s", status), ("$limit", limit));
        using var r = cmd.ExecuteReader();
        var found = new List<AlertRecord>();
        while (r.Read())
        {
            found.Add(new AlertRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFloat(3), new NormalBox(r.GetFloat(4), r.GetFloat(5), r.GetFloat(6), r.GetFloat(7)),
                r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), FromUnixMs(r.GetInt64(10)))
            {
                Status = r.GetString(11),
                Attempts = r.GetInt32(12),
                LastError = r.IsDBNull(13) ? null : r.GetString(13),
                DeliveredAt = r.IsDBNull(14) ? null : FromUnixMs(r.GetInt64(14)),
            });
        }
        return found;
    }

    private List<AlertRule> QueryRules(string sql, string? id)
    {
        using var connection = Open();
        using var cmd = Command(connection, sql, null, ("$id", id));
        using var r = cmd.ExecuteReader();
        var found = new List<AlertRule>();
        while (r.Read())
        {
            NormalBox? region = r.IsDBNull(3) ? null : new NormalBox(r.GetFloat(3), r.GetFloat(4), r.GetFloat(5), r.GetFloat(6));
            found.Add(new AlertRule(r.GetString(0), r.GetString(1), r.GetFloat(2), region, r.GetString(7), r.GetString(8),
                r.IsDBNull(9) ? null : r.GetString(9), FromUnixMs(r.GetInt64(10))));
        }
        return found;
    }
}
