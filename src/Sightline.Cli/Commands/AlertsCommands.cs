using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Alerts;
using Sightline.Storage;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline alerts rules add|list|remove</c> and <c>sightline alerts list</c>: what raises an alert, and what was raised.</summary>
internal static class AlertsCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("alerts", "Alert rules (label, confidence, region, cameras, zones → signed webhook, email, SMS) and the alerts they raised, under --data");
        var rules = new Command("rules", "Alert rules");
        rules.Subcommands.Add(Add());
        rules.Subcommands.Add(ListRules());
        rules.Subcommands.Add(Remove());
        command.Subcommands.Add(rules);
        command.Subcommands.Add(ListAlerts());
        return command;
    }

    private static Command Add()
    {
        var label = new Option<string>("--label") { Description = "Label to watch for (case-insensitive)", Required = true };
        var min = new Option<float>("--min-confidence") { Description = "Lowest confidence that alerts, 0–100", Required = true };
        var region = new Option<string>("--region") { Description = "Only instances centred in this normalised box: left,top,width,height (0–1)" };
        var webhook = new Option<string>("--webhook") { Description = "http:// or https:// URL that receives the signed JSON POST" };
        var camera = new Option<string[]>("--camera") { Description = "Only events of these cameras: C[,C2] (repeatable; a camera need not exist yet); none for any source" };
        var zone = new Option<string[]>("--zone") { Description = "Only camera events in (or entering) one of these zones: Z[,Z2] (repeatable)" };
        var email = new Option<string[]>("--email") { Description = "Email the alert to a@b[,c@d] through the SMTP server in --alert-channels (repeatable)" };
        var sms = new Option<string[]>("--sms") { Description = "Text the alert through a gateway in --alert-channels: GATEWAY:+15551234567 (repeatable)" };
        var add = new Command("add", "Add a rule (at least one of --webhook, --email, --sms); prints its id and signing secret (shown only now; audited)")
        {
            label, min, region, webhook, camera, zone, email, sms, GlobalOptions.Json,
        };
        add.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var store = core.Get<IAlertStore>();
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            var box = parse.GetValue(region) is { } text ? AlertRules.ParseRegion(text) : null;
            var targets = new AlertRuleTargets(AlertRules.SplitList(parse.GetValue(camera)), AlertRules.SplitList(parse.GetValue(zone)),
                AlertRules.SplitList(parse.GetValue(email)), AlertRules.SplitList(parse.GetValue(sms)));
            var (rule, secret) = AlertRules.Create(parse.GetValue(label), parse.GetValue(min), box, parse.GetValue(webhook), targets, entry.Actor, DateTimeOffset.UtcNow,
                core.Get<AlertSecrets>(), core.Get<Sightline.Outbound.OutboundPolicy>(), core.Get<AlertChannels>());
            await store.AddAlertRuleAsync(entry, rule, ct);
            Console.WriteLine(parse.GetValue(GlobalOptions.Json) ? JsonSerializer.Serialize(CreatedAlertRule.From(rule, secret), s_json)
                : $"rule {rule.Id}: {rule.Label} >= {rule.MinConfidence.ToString(CultureInfo.InvariantCulture)}{Where(rule.Cameras, rule.Zones)} -> {Channels(rule.WebhookUrl, rule.Emails, rule.Sms)}"
                    + (rule.WebhookUrl is null ? "" : $"\nsecret {secret} (shown once: deliveries carry {AlertRules.SignatureHeader}: sha256=HMAC-SHA256(secret, body))"));
            return 0;
        });
        return add;
    }

    private static string Where(IReadOnlyList<string> cameras, IReadOnlyList<string> zones) =>
        (cameras.Count > 0 ? " on " + string.Join(",", cameras) : "") + (zones.Count > 0 ? " in " + string.Join(",", zones) : "");

    private static string Channels(string? webhook, IReadOnlyList<string> emails, IReadOnlyList<string> sms) =>
        string.Join(" ", new[] { webhook ?? "" }.Concat(emails.Select(e => "email:" + e)).Concat(sms.Select(s => "sms:" + s)).Where(c => c.Length > 0));

    private static Command ListRules()
    {
        var list = new Command("list", "Rules (without their secrets)") { GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var rules = (await core.Get<IAlertStore>().ListAlertRulesAsync(ct)).Select(AlertRuleView.From).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rules, s_json));
                return 0;
            }
            var table = new Table().AddColumns("rule", "label", "min confidence", "region", "cameras / zones", "channels");
            foreach (var r in rules)
            {
                string region = r.Region is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b.Left},{b.Top},{b.Width},{b.Height}") : "whole image";
                table.AddRow(r.Id, Markup.Escape(r.Label), r.MinConfidence.ToString(CultureInfo.InvariantCulture), region,
                    Markup.Escape(Where(r.Cameras, r.Zones).Trim() is { Length: > 0 } w ? w : "any"), Markup.Escape(Channels(r.Webhook, r.Emails, r.Sms)));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return list;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("RULE_ID");
        var remove = new Command("remove", "Remove a rule (its alerts are kept; audited)") { id };
        remove.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var store = core.Get<IAlertStore>();
            if (!await store.DeleteAlertRuleAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), parse.GetValue(id)!, ct))
                throw new SightlineException(ErrorKind.ResourceNotFound, $"No alert rule '{parse.GetValue(id)}'.");
            Console.WriteLine($"removed rule {parse.GetValue(id)}");
            return 0;
        });
        return remove;
    }

    private static Command ListAlerts()
    {
        var status = new Option<string>("--status") { Description = "Only alerts with this delivery status" };
        status.AcceptOnlyFromAmong(AlertStatus.Queued, AlertStatus.Delivered, AlertStatus.Failed, AlertStatus.Dropped);
        var limit = new Option<int>("--limit") { Description = "Newest this many", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Alerts raised, newest first, with their delivery status") { status, limit, GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var alerts = await core.Get<IAlertStore>().ListAlertsAsync(parse.GetValue(status), Math.Clamp(parse.GetValue(limit), 1, 10_000), ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(alerts, s_json));
                return 0;
            }
            var table = new Table().AddColumns("time", "alert", "rule", "label", "confidence", "source", "channel", "status", "attempts");
            foreach (var a in alerts)
            {
                table.AddRow($"{a.At:u}", a.Id, a.RuleId, Markup.Escape(a.Label), $"{a.Confidence:F1}", Markup.Escape(a.Source), Markup.Escape(a.Channel), a.Status,
                    a.Attempts.ToString(CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return list;
    }
}
