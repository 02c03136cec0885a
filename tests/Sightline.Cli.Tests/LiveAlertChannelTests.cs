using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MimeKit;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Tests;

/// <summary>
/// Alerts from a live camera to an officer: a person walking through a yard enters a zone, and the rule for that
/// camera and zone emails (a real SMTP server on loopback, the message parsed back with its snapshot) and texts
/// (an SMS gateway's form template) exactly once per event; a rule for another camera never fires.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class LiveAlertChannelTests
{
    private const string Authorization = "Basic c2lnaHRsaW5lOmdhdGV3YXktc2VjcmV0";

    [Fact]
    public async Task A_zone_rule_emails_and_texts_once_per_event_when_the_person_enters_and_a_rule_for_another_camera_never_fires()
    {
        string scene = await LiveCameraTests.SceneAsync();
        using var work = new TempDir();
        await using var smtp = new SmtpSink();
        using var gateway = new WebhookReceiver();
        using var elsewhere = new WebhookReceiver();
        string authFile = Path.Combine(work.Path, "gateway.auth");
        File.WriteAllText(authFile, Authorization + "\n");
        string channels = Path.Combine(work.Path, "channels.json");
        File.WriteAllText(channels, JsonSerializer.Serialize(new
        {
            Smtp = new { Host = "127.0.0.1", Port = smtp.Port, Security = "none", From = "Sightline <alerts@example.org>" },
            SmsGateways = new Dictionary<string, object>
            {
                ["desk"] = new { Url = gateway.Url, Body = "To={to}&Body=Sightline: {label} at {camera} {zones} {time}", AuthorizationFile = authFile },
            },
        }));
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync("--alert-channels", channels);
        string data = server.Data.Path;

        var zoneRule = SightlineCli.Run("alerts", "rules", "add", "--label", "person", "--min-confidence", "50", "--camera", "yard", "--zone", "gate",
            "--email", "officer@example.org,desk@example.org", "--sms", "desk:+15551234567", "--alert-channels", channels, "--allow-outbound", "127.0.0.1", "--json", "--data", data).Json();
        Assert.Equal(["gate"], zoneRule.GetProperty("zones").EnumerateArray().Select(z => z.GetString()));
        string zoneRuleId = zoneRule.GetProperty("id").GetString()!;
        var otherRule = SightlineCli.Run("alerts", "rules", "add", "--label", "person", "--min-confidence", "1", "--camera", "front-door", "--webhook", elsewhere.Url,
            "--allow-outbound", "127.0.0.1", "--json", "--data", data).Json();
        // Refused at the boundary: an unknown gateway, a malformed address, a camera name cameras could never have.
        Assert.Contains("gateway", SightlineCli.Run("alerts", "rules", "add", "--label", "person", "--min-confidence", "50", "--sms", "pager:+15551234567",
            "--alert-channels", channels, "--allow-outbound", "127.0.0.1", "--data", data).Stderr, StringComparison.Ordinal);
        Assert.Contains("bare address", SightlineCli.Run("alerts", "rules", "add", "--label", "person", "--min-confidence", "50", "--email", "officer(at)example.org",
            "--alert-channels", channels, "--allow-outbound", "127.0.0.1", "--data", data).Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, SightlineCli.Run("alerts", "rules", "add", "--label", "person", "--min-confidence", "50", "--camera", "front door", "--email", "o@example.org",
            "--alert-channels", channels, "--allow-outbound", "127.0.0.1", "--data", data).ExitCode);

        // The native API takes the same targets and refuses the same mistakes with a problem, never a 500.
        var viaApi = await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(new
        {
            label = "car", minConfidence = 70, cameras = new[] { "yard" }, zones = new[] { "drive" }, emails = new[] { "officer@example.org" }, sms = new[] { "desk:+15551234567" },
        }));
        Assert.True(viaApi.Status == HttpStatusCode.Created, viaApi.Text);
        Assert.Equal(["drive"], viaApi.Body.GetProperty("zones").EnumerateArray().Select(z => z.GetString()));
        foreach (object bad in new object[]
        {
            new { label = "car", minConfidence = 70, emails = new[] { "officer" } },
            new { label = "car", minConfidence = 70, sms = new[] { "desk:555" } },
            new { label = "car", minConfidence = 70, zones = new[] { "drive way" }, emails = new[] { "officer@example.org" } },
            new { label = "car", minConfidence = 70, cameras = new[] { "yard" } },
        })
        {
            var refused = await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(bad));
            Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.Text);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, "v1/alert-rules/" + viaApi.Body.GetProperty("id").GetString(), "admin")).Status);

        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--zone", "gate=0.3,0,0.7,0,0.7,1,0.3,1:person", "--data", data).ExitCode);

        // The first visit enters the gate and ends: by then every alert it raises has been raised.
        var clock = Stopwatch.StartNew();
        JsonElement visit = default;
        while (clock.Elapsed < TimeSpan.FromSeconds(45))
        {
            var ended = SightlineCli.Run("events", "list", "--camera", "yard", "--json", "--data", data).Json().GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("endTime").ValueKind != JsonValueKind.Null).ToList();
            if (ended.Count > 0)
            {
                visit = ended[^1];
                break;
            }
            await Task.Delay(500);
        }
        Assert.True(visit.ValueKind == JsonValueKind.Object, "no visit ended within 45 s");
        string eventId = visit.GetProperty("id").GetString()!;
        Assert.Contains("gate", visit.GetProperty("zones").EnumerateArray().Select(z => z.GetString()));

        Assert.True(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(15)), "no email arrived");
        Assert.True(await gateway.WaitForAsync(r => !r.Received.IsEmpty, TimeSpan.FromSeconds(15)), "no text reached the gateway");
        var alerts = SightlineCli.Run("alerts", "list", "--json", "--data", data).Json().EnumerateArray().ToList();
        var ofVisit = alerts.Where(a => a.GetProperty("imageRef").GetString() == "event:" + eventId).ToList();
        // Exactly once per channel for the visit, however many updates it had.
        Assert.Equal(["email", "sms:desk:+15551234567"], ofVisit.Select(a => a.GetProperty("channel").GetString()).Order(StringComparer.Ordinal));
        Assert.All(ofVisit, a => Assert.Equal((zoneRuleId, "camera:yard"), (a.GetProperty("ruleId").GetString(), a.GetProperty("source").GetString())));
        Assert.All(ofVisit, a => Assert.Contains("gate", a.GetProperty("zones").EnumerateArray().Select(z => z.GetString())));
        Assert.DoesNotContain(alerts, a => a.GetProperty("ruleId").GetString() == otherRule.GetProperty("id").GetString());
        Assert.True(elsewhere.Received.IsEmpty);

        // The email: one message to both addresses, the event in plain text and its snapshot attached.
        var (from, to, raw) = smtp.Messages.First(m => MimeMessage.Load(new MemoryStream(m.Data)).TextBody?.Contains(eventId, StringComparison.Ordinal) == true);
        Assert.Equal("<alerts@example.org>", from.Split(' ')[0]);
        Assert.Equal(["<desk@example.org>", "<officer@example.org>"], to.Select(t => t.Split(' ')[0]).Order(StringComparer.Ordinal));
        using var message = MimeMessage.Load(new MemoryStream(raw));
        Assert.Equal("Sightline alert: person at yard", message.Subject);
        foreach (string line in new[] { "Label:  person", "Camera: yard", "Zones:  gate", "Event:  " + eventId })
            Assert.Contains(line, message.TextBody, StringComparison.Ordinal);
        var snapshot = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal((eventId + ".jpg", "image/jpeg"), (snapshot.FileName, snapshot.ContentType.MimeType));
        using var jpeg = new MemoryStream();
        await Assert.IsType<MimeContent>(snapshot.Content).DecodeToAsync(jpeg);
        Assert.True(jpeg.Length > 1000 && jpeg.GetBuffer()[0] == 0xFF && jpeg.GetBuffer()[1] == 0xD8, "the attachment is not a JPEG");

        // The text: the gateway's form template filled in and encoded, with the Authorization from its file.
        var texts = gateway.Received.Zip(gateway.Requests).Select(p => (Form: Form(p.First.Body), Request: p.Second)).ToList();
        // (One text per event: a later visit of the looping clip may have sent another by now.)
        Assert.NotEmpty(texts);
        Assert.All(texts, text =>
        {
            Assert.Equal(("POST", "application/x-www-form-urlencoded", Authorization), (text.Request.Method, text.Request.ContentType, text.Request.Authorization));
            Assert.Equal("+15551234567", text.Form["To"]);
            Assert.Matches(@"^Sightline: person at yard gate \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", text.Form["Body"]);
        });

        // Delivered, and the secrets are nowhere: not in the rules, the alerts or the server's log.
        Assert.True(await gateway.WaitForAsync(_ => SightlineCli.Run("alerts", "list", "--status", "delivered", "--json", "--data", data).Json().GetArrayLength() >= 2,
            TimeSpan.FromSeconds(10)), "the email and text were not both recorded as delivered");
        string rules = SightlineCli.Run("alerts", "rules", "list", "--json", "--data", data).Stdout;
        Assert.Contains("15551234567", rules, StringComparison.Ordinal);
        foreach (string where in new[] { rules, SightlineCli.Run("alerts", "list", "--json", "--data", data).Stdout, server.Output })
            Assert.DoesNotContain("c2lnaHRsaW5l", where, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Form(byte[] body) =>
        System.Text.Encoding.UTF8.GetString(body).Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
}
