using System.Text.Json;
using Sightline.Alerts;
using Sightline.Storage;

namespace Sightline.Detectors.Tests;

/// <summary>Email and SMS channels: option checks, rule targets, template rendering and escaping, and when a camera event fires a rule.</summary>
public sealed class AlertChannelTests : IDisposable
{
    private static readonly Sightline.Outbound.OutboundPolicy s_loopback = new(["127.0.0.1"]);
    private static readonly SmtpSettings s_smtp = new() { Host = "127.0.0.1", Port = 2525, Security = SmtpSecurity.None, From = "Sightline <alerts@example.org>" };
    private static readonly SmsGateway s_form = new() { Url = "http://127.0.0.1:9/sms", Body = "To={to}&Body=Sightline: {label} at {camera} {zones} {time}" };
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-channels-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AlertChannels Channels(SmtpSettings? smtp = null, SmsGateway? gateway = null) =>
        new(smtp, new Dictionary<string, SmsGateway> { ["desk"] = gateway ?? s_form });

    private static AlertRecord Alert(string label = "person", params string[] zones) =>
        new("alert-1", "rule-1", label, 87.3f, new NormalBox(0.1f, 0.2f, 0.3f, 0.4f), "camera:front", "event:ev-42", new DateTimeOffset(2026, 12, 4, 20, 15, 30, TimeSpan.Zero)) { Zones = zones };

    [Fact]
    public void A_form_template_percent_encodes_every_value_and_keeps_the_literal_text()
    {
        var request = SmsDelivery.Render(s_form, Alert("person & co", "gate", "drive way"), "+15551234567");
        Assert.Equal("To=%2B15551234567&Body=Sightline: person%20%26%20co at front gate%2Cdrive%20way 2026-12-04T20%3A15%3A30Z", request.Body);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://127.0.0.1:9/sms", request.Url.ToString());
    }

    [Fact]
    public void A_json_template_escapes_quotes_backslashes_and_controls_so_the_body_stays_json()
    {
        var gateway = s_form with { ContentType = "application/json; charset=utf-8", Body = """{"to":"{to}","text":"{label} at {camera} ({score})","zones":"{zones}"}""" };
        var request = SmsDelivery.Render(gateway, Alert("a \"quoted\" \\ label\nnext", "gate"), "+15551234567");
        var parsed = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("+15551234567", parsed.GetProperty("to").GetString());
        Assert.Equal("a \"quoted\" \\ label\nnext at front (87.3)", parsed.GetProperty("text").GetString());
        Assert.Equal("gate", parsed.GetProperty("zones").GetString());
    }

    [Fact]
    public void Url_placeholders_are_percent_encoded_and_header_values_lose_control_characters()
    {
        var gateway = s_form with { Url = "http://127.0.0.1:9/send/{to}?msg={label}", Method = "GET", Headers = new Dictionary<string, string> { ["X-Label"] = "{label}" } };
        var request = SmsDelivery.Render(gateway, Alert("evil\r\nX-Injected: 1"), "+15551234567");
        Assert.Equal("/send/%2B15551234567", request.Url.AbsolutePath);
        Assert.Equal("?msg=evil%0D%0AX-Injected%3A%201", request.Url.Query);
        Assert.Equal("evilX-Injected: 1", request.Headers["X-Label"]);
        using var message = request.ToMessage("Bearer t0ken");
        Assert.Null(message.Content);
        Assert.Equal("Bearer t0ken", message.Headers.Authorization?.ToString());
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", SmsTemplate.Escaping.Url)]
    [InlineData("application/json", SmsTemplate.Escaping.Json)]
    [InlineData("application/vnd.api+json; charset=utf-8", SmsTemplate.Escaping.Json)]
    [InlineData("text/plain", SmsTemplate.Escaping.Plain)]
    public void The_content_type_chooses_the_escaping(string contentType, SmsTemplate.Escaping expected) =>
        Assert.Equal(expected, SmsTemplate.ForContentType(contentType));

    [Fact]
    public void An_email_body_names_label_camera_zones_score_time_and_event_only()
    {
        string body = AlertMessage.Body(Alert("person", "gate"));
        foreach (string part in new[] { "Label:  person", "Camera: front", "Zones:  gate", "Score:  87.3", "Time:   2026-12-04T20:15:30Z", "Event:  ev-42", "alert-1" })
            Assert.Contains(part, body, StringComparison.Ordinal);
        Assert.Equal("Sightline alert: person at front", AlertMessage.Subject(Alert()));
    }

    [Fact]
    public void Good_settings_pass_and_each_bad_one_is_named()
    {
        string password = Path.Combine(_dir, "smtp.pass");
        File.WriteAllText(password, "hunter2\n");
        Assert.Empty(Channels(s_smtp with { Username = "alerts", PasswordFile = password }).Problems(s_loopback));
        Assert.Empty(Channels(s_smtp).Problems(s_loopback));

        (AlertChannels Channels, string Named)[] bad =
        [
            (Channels(s_smtp with { Port = 0 }), "Smtp.Port"),
            (Channels(s_smtp with { Security = "ssl" }), "Smtp.Security"),
            (Channels(s_smtp with { From = "not an address" }), "Smtp.From"),
            (Channels(s_smtp with { Host = "" }), "Smtp.Host"),
            (Channels(s_smtp with { Username = "alerts" }), "Smtp.PasswordFile"),
            (Channels(s_smtp with { Host = "mail.example.org", Username = "alerts", PasswordFile = password }), "in the clear"),
            (Channels(gateway: s_form with { Url = "ftp://x/" }), "SmsGateways.desk.Url"),
            (Channels(gateway: s_form with { Url = "http://169.254.169.254/sms" }), "link-local or cloud-metadata"),
            (Channels(gateway: s_form with { Url = "http://10.1.2.3/sms" }), "--allow-outbound 10.1.2.3"),
            (Channels(gateway: s_form with { Method = "DELETE" }), "SmsGateways.desk.Method"),
            (Channels(gateway: s_form with { Body = "To={to}&Body={plate}" }), "unknown placeholder {plate}"),
            (Channels(gateway: s_form with { ContentType = "not a type" }), "SmsGateways.desk.ContentType"),
            (Channels(gateway: s_form with { Headers = new Dictionary<string, string> { ["Authorization"] = "x" } }), "AuthorizationFile"),
            (Channels(gateway: s_form with { AuthorizationFile = "relative/auth" }), "SmsGateways.desk.AuthorizationFile"),
            (new AlertChannels(null, new Dictionary<string, SmsGateway> { ["bad name"] = s_form }), "gateway name"),
        ];
        foreach (var (channels, named) in bad)
            Assert.Contains(channels.Problems(s_loopback), p => p.Contains(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("camera", "front yard", "camera name")]
    [InlineData("zone", "-gate", "zone name")]
    [InlineData("email", "not-an-address", "bare address")]
    [InlineData("email", "Officer <o@example.org>", "bare address")]
    [InlineData("sms", "nowhere:+15551234567", "gateway named in the options")]
    [InlineData("sms", "desk:5551234567", "E.164")]
    [InlineData("sms", "desk:+1555", "E.164")]
    public void Bad_rule_targets_are_refused_with_the_target_named(string what, string value, string named)
    {
        var targets = what switch
        {
            "camera" => new AlertRuleTargets(Cameras: [value], Emails: ["o@example.org"]),
            "zone" => new AlertRuleTargets(Zones: [value], Emails: ["o@example.org"]),
            "email" => new AlertRuleTargets(Emails: [value]),
            _ => new AlertRuleTargets(Sms: [value]),
        };
        var ex = Assert.Throws<SightlineException>(() => AlertRules.Create("person", 50, null, null, targets, null, DateTimeOffset.UtcNow,
            new AlertSecrets(Path.Combine(_dir, "secrets")), s_loopback, Channels(s_smtp)));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_needs_a_channel_and_email_needs_an_smtp_server_while_a_camera_need_not_exist()
    {
        var secrets = new AlertSecrets(Path.Combine(_dir, "secrets"));
        Assert.Contains("at least one channel", Assert.Throws<SightlineException>(() =>
            AlertRules.Create("person", 50, null, "", new AlertRuleTargets(Cameras: ["front"]), null, DateTimeOffset.UtcNow, secrets, s_loopback, Channels(s_smtp))).Message, StringComparison.Ordinal);
        Assert.Contains("SMTP", Assert.Throws<SightlineException>(() =>
            AlertRules.Create("person", 50, null, null, new AlertRuleTargets(Emails: ["o@example.org"]), null, DateTimeOffset.UtcNow, secrets, s_loopback, Channels())).Message, StringComparison.Ordinal);
        var (rule, _) = AlertRules.Create("person", 50, null, null, new AlertRuleTargets(["not-yet-added"], ["gate"], ["o@example.org"], ["desk:+15551234567"]), null,
            DateTimeOffset.UtcNow, secrets, s_loopback, Channels(s_smtp));
        Assert.Null(rule.WebhookUrl);
        Assert.Equal(["not-yet-added"], rule.Cameras);
        Assert.Equal(["gate"], rule.Zones);
        Assert.Equal(["o@example.org"], rule.Emails);
        Assert.Equal(["desk:+15551234567"], rule.Sms);
    }

    [Fact]
    public void A_zone_rule_fires_once_when_the_event_first_enters_one_of_its_zones_and_a_camera_rule_only_for_its_cameras()
    {
        var anywhere = new AlertRule("r1", "person", 50, null, "http://x/", "s", null, DateTimeOffset.UtcNow);
        var gate = anywhere with { Zones = ["gate", "door"] };
        var back = anywhere with { Cameras = ["back"] };
        // A new event (no zones before): the rule without zones fires; the zone rule only when the event is already inside.
        Assert.True(AlertEvaluator.FiresFor(anywhere, "front", [], null));
        Assert.False(AlertEvaluator.FiresFor(gate, "front", [], null));
        Assert.True(AlertEvaluator.FiresFor(gate, "front", ["gate"], null));
        // Updates: entering the zone fires; entering another zone later, or the rule's second zone, does not fire again.
        Assert.False(AlertEvaluator.FiresFor(anywhere, "front", ["yard"], []));
        Assert.True(AlertEvaluator.FiresFor(gate, "front", ["yard", "gate"], ["yard"]));
        Assert.False(AlertEvaluator.FiresFor(gate, "front", ["yard", "gate", "porch"], ["yard", "gate"]));
        Assert.False(AlertEvaluator.FiresFor(gate, "front", ["gate", "door"], ["gate"]));
        // Another camera never.
        Assert.False(AlertEvaluator.FiresFor(back, "front", [], null));
        Assert.True(AlertEvaluator.FiresFor(back, "back", [], null));
    }

    [Fact]
    public void The_channels_file_reads_smtp_and_gateways_case_insensitively_and_refuses_unknown_fields()
    {
        string path = Path.Combine(_dir, "channels.json");
        File.WriteAllText(path, """
            { "smtp": { "host": "127.0.0.1", "port": 2525, "security": "none", "from": "alerts@example.org" },
              "SmsGateways": { "desk": { "Url": "http://127.0.0.1:9/sms", "Body": "To={to}", "Headers": { "X-Api": "1" } } } }
            """);
        var file = AlertChannelsFile.Load(path);
        Assert.Equal(("127.0.0.1", 2525, "none"), (file.Smtp!.Host, file.Smtp.Port, file.Smtp.Security));
        File.WriteAllText(path, """{ "Smtp": { "Host": "mail.example.org", "From": "a@example.org" }, "SmsGateways": { "desk": { "Url": "http://127.0.0.1:9/sms", "Body": "To={to}", "Headers": { "X-Api": "1" } } } }""");
        file = AlertChannelsFile.Load(path);
        Assert.Equal((587, "starttls", null), (file.Smtp!.Port, file.Smtp.Security, file.Smtp.Username));
        Assert.Equal(("POST", "application/x-www-form-urlencoded", "1"), (file.SmsGateways["desk"].Method, file.SmsGateways["desk"].ContentType, file.SmsGateways["desk"].Headers["X-Api"]));
        File.WriteAllText(path, """{ "Smtp": { "Hots": "x" } }""");
        Assert.Contains("not valid", Assert.Throws<SightlineException>(() => AlertChannelsFile.Load(path)).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<SightlineException>(() => AlertChannelsFile.Load(path + ".missing")).Message, StringComparison.Ordinal);
    }
}
