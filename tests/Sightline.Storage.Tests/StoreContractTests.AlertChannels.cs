namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Alert_rules_keep_their_cameras_zones_and_channels_and_alerts_their_channel_and_zones()
    {
        var camerasOnly = new AlertRule("rc", "person", 60f, null, null, "salt", "admin", T0)
        {
            Cameras = ["front", "back-yard"],
            Zones = ["gate", "drive_way"],
            Emails = ["officer@example.org", "desk@example.org"],
            Sms = ["twilio:+15551234567"],
        };
        var webhookOnly = new AlertRule("rw", "car", 50f, null, "https://hooks.example/c", "other", null, T0.AddSeconds(1));
        await S.Alerts.AddAlertRuleAsync(Tester, camerasOnly, Ct);
        await S.Alerts.AddAlertRuleAsync(Tester, webhookOnly, Ct);
        var read = await Open().Alerts.GetAlertRuleAsync("rc", Ct);
        Assert.Equal(camerasOnly, read);
        Assert.Null(read!.WebhookUrl);
        Assert.Equal(["front", "back-yard"], read.Cameras);
        Assert.Equal(["twilio:+15551234567"], read.Sms);
        var plain = await S.Alerts.GetAlertRuleAsync("rw", Ct);
        Assert.Equal(webhookOnly, plain);
        Assert.Empty(plain!.Cameras);
        Assert.Empty(plain.Emails);

        var box = new NormalBox(0.1f, 0.2f, 0.3f, 0.4f);
        var email = new AlertRecord("e1", "rc", "person", 88f, box, "camera:front", "event:ev1", T0) { Channel = "email", Zones = ["gate"] };
        var sms = new AlertRecord("s1", "rc", "person", 88f, box, "camera:front", "event:ev1", T0) { Channel = "sms:twilio:+15551234567", Zones = ["gate"] };
        var hook = new AlertRecord("w1", "rw", "car", 70f, box, "upload", null, T0.AddSeconds(1));
        await S.Alerts.AddAlertsAsync([email, sms, hook], Ct);
        var listed = await Open().Alerts.ListAlertsAsync(null, 10, Ct);
        Assert.Equal([hook, sms, email], listed);
        Assert.Equal(("webhook", 0), (listed[0].Channel, listed[0].Zones.Count));
        Assert.Equal(["gate"], listed[1].Zones);
        await S.Alerts.SetAlertDeliveryAsync("s1", AlertStatus.Failed, 5, "HTTP 503", null, Ct);
        Assert.Equal([sms with { Status = AlertStatus.Failed, Attempts = 5, LastError = "HTTP 503" }], await S.Alerts.ListAlertsAsync(AlertStatus.Failed, 10, Ct));
    }
}
