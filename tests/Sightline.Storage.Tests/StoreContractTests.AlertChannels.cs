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

    [Fact]
    public async Task A_dead_nodes_queued_alerts_are_taken_over_once_oldest_first_and_delivered_ones_stay()
    {
        var box = new NormalBox(0.1f, 0.2f, 0.3f, 0.4f);
        await S.Alerts.AddAlertRuleAsync(Tester, new AlertRule("r", "person", 60f, null, "https://hooks.example/a", "salt", null, T0), Ct);
        var alerts = Enumerable.Range(0, 8).Select(i => new AlertRecord($"a{i}", "r", "person", 80f, box, "camera:gate", null, T0.AddSeconds(i)) { Node = i < 6 ? "node-a" : "node-b" }).ToList();
        await S.Alerts.AddAlertsAsync(alerts, Ct);
        await S.Alerts.SetAlertDeliveryAsync("a0", AlertStatus.Delivered, 1, null, T0.AddSeconds(30), Ct);
        Assert.Equal("node-b", (await Open().Alerts.ListAlertsAsync(null, 10, Ct)).First(a => a.Id == "a7").Node);

        // A node listing its own queue keeps it; two survivors racing for a dead node's alerts never share one.
        Assert.Equal(["a6", "a7"], (await S.Alerts.TakeOverAlertsAsync("node-b", "node-b", 10, Ct)).Select(a => a.Id));
        var raced = (await TogetherAsync(2, async i => await Open().Alerts.TakeOverAlertsAsync("node-a", i == 0 ? "node-b" : "node-c", 3, Ct))).Cast<IReadOnlyList<AlertRecord>>().ToList();
        var taken = raced.SelectMany(r => r).Select(a => a.Id).ToList();
        Assert.Equal(taken.Count, taken.Distinct().Count());
        Assert.DoesNotContain("a0", taken); // delivered: nothing to take
        Assert.All(raced, r => Assert.Equal(r.OrderBy(a => a.At).Select(a => a.Id), r.Select(a => a.Id)));
        var rest = await S.Alerts.TakeOverAlertsAsync("node-a", "node-b", 10, Ct);
        Assert.Equal(["a1", "a2", "a3", "a4", "a5"], taken.Concat(rest.Select(a => a.Id)).Order());
        Assert.Empty(await S.Alerts.TakeOverAlertsAsync("node-a", "node-b", 10, Ct));
        var after = await S.Alerts.ListAlertsAsync(AlertStatus.Queued, 10, Ct);
        Assert.Equal(7, after.Count);
        Assert.DoesNotContain(after, a => a.Node == "node-a");
    }
}
