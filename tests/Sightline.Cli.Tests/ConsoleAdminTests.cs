using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Tests;

/// <summary>
/// The console's accountability and settings screens in Debian's chromium against a real server: an auditor reads the
/// transparency report (charts with the API's numbers, the CSV the API gives) and the retention screen; an administrator
/// places and releases a legal hold, adds a camera and draws a zone on its frame, adds and deletes an alert rule, issues
/// a key (its secret shown once) that works until it is revoked; an operator has no settings. The keys API and the
/// audit log's time filter are checked over HTTP.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class ConsoleAdminTests
{
    [Fact]
    public async Task Auditors_read_the_transparency_report_and_administrators_manage_holds_cameras_zones_rules_and_keys_from_the_console()
    {
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        // Figures for the report: a search under a purpose, its leads, one of them reviewed.
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/collections", "admin", ServerProcess.Json(new { collectionId = "watch" }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Post, "v1/collections/watch/faces", "operator", ServerProcess.Jpeg("sample1"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Post, "v1/collections/watch/searches?case=C-12&purpose=investigation", "analyst", ServerProcess.Jpeg("sample1"))).Status);
        string leadId = (await server.SendAsync(HttpMethod.Get, "v1/leads?case=C-12", "reviewer")).Body.GetProperty("leads")[0].GetProperty("leadId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Post, $"v1/leads/{leadId}/review", "reviewer",
            ServerProcess.Json(new { status = "rejected", note = "Different person: ear shape." }))).Status);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowserTests.LaunchAsync(playwright);
        var viewport = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, AcceptDownloads = true };

        // The auditor: the report's charts carry the API's numbers, and the CSV link downloads the API's CSV.
        await using (var auditorContext = await browser.NewContextAsync(viewport))
        {
            var auditor = await auditorContext.NewPageAsync();
            auditor.SetDefaultTimeout(20_000);
            await ConsoleBrowserTests.SignInAsync(auditor, server, "auditor");
            Assert.DoesNotContain("Settings", await auditor.GetByTestId("nav").InnerTextAsync(), StringComparison.Ordinal);
            await Nav(auditor, "Transparency");
            await auditor.GetByTestId("chart-purpose").Locator("[data-testid=chart-bar]").First.WaitForAsync();
            string csvHref = (await auditor.GetByTestId("transparency-csv").GetAttributeAsync("href"))!;
            var query = System.Web.HttpUtility.ParseQueryString(new Uri(server.Address, csvHref).Query);
            var report = (await server.SendAsync(HttpMethod.Get, $"v1/reports/transparency?from={query["from"]}&to={query["to"]}", "auditor")).Body;
            Assert.Equal(Counts(report.GetProperty("searches").GetProperty("byPurpose")), await BarsAsync(auditor, "purpose"));
            Assert.Equal(1, report.GetProperty("searches").GetProperty("byPurpose").GetProperty("investigation").GetInt64());
            var leads = report.GetProperty("leads");
            var outcomes = await BarsAsync(auditor, "leads");
            Assert.Equal((leads.GetProperty("confirmed").GetInt64(), leads.GetProperty("rejected").GetInt64(), leads.GetProperty("inconclusive").GetInt64()),
                (outcomes["confirmed"], outcomes["rejected"], outcomes["inconclusive"]));
            Assert.Equal(1, outcomes["rejected"]);
            Assert.Equal(leads.GetProperty("produced").GetInt64() - leads.GetProperty("reviewed").GetInt64(), outcomes["not yet reviewed"]);
            var byRole = report.GetProperty("operationsByRole").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.EnumerateObject().Sum(o => o.Value.GetInt64()));
            Assert.Equal(byRole, await BarsAsync(auditor, "roles"));
            // The estimated false-match rates at the thresholds in force and used, as the report gives them.
            Assert.Matches(@"At the threshold floor \(\d+(\.\d+)?\)\s+(about 1 in [\d,]+|[\d.]+%) comparisons", await auditor.GetByTestId("report-false-matches").InnerTextAsync());
            await ConsoleBrowserTests.AccessibleAsync(auditor, "transparency report");
            await ConsoleBrowserTests.ScreenshotAsync(auditor, "transparency");

            var download = await auditor.RunAndWaitForDownloadAsync(() => auditor.GetByTestId("transparency-csv").ClickAsync());
            string downloaded = await File.ReadAllTextAsync((await download.PathAsync())!);
            var csv = await server.SendAsync(HttpMethod.Get, $"v1/reports/transparency?format=csv&from={query["from"]}&to={query["to"]}", "auditor");
            Assert.StartsWith("section,name,value\n", downloaded, StringComparison.Ordinal);
            Assert.Equal(csv.Text, downloaded);

            // Retention for an auditor: seen, not changed.
            await Nav(auditor, "Retention");
            await auditor.GetByTestId("retention-row").First.WaitForAsync();
            Assert.Equal(0, await auditor.GetByTestId("hold-place").CountAsync());
            Assert.Equal(0, await auditor.GetByTestId("retention-run").CountAsync());

            // The audit log by time: nothing before the server started, this server's records since.
            await Nav(auditor, "Audit log");
            await auditor.GetByTestId("audit-row").First.WaitForAsync();
            await auditor.GetByTestId("audit-to").FillAsync("2020-01-01T00:00");
            await auditor.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Filter" }).ClickAsync();
            await auditor.GetByText("No records match.").WaitForAsync();
            await ConsoleBrowserTests.AccessibleAsync(auditor, "audit log with a time filter");
        }

        await using var adminContext = await browser.NewContextAsync(viewport);
        var admin = await adminContext.NewPageAsync();
        admin.SetDefaultTimeout(20_000);
        await ConsoleBrowserTests.SignInAsync(admin, server, "admin");

        // A legal hold placed and released from the page, as the API then says.
        await Nav(admin, "Retention");
        await admin.GetByTestId("hold-case").FillAsync("C-12");
        await admin.GetByTestId("hold-reason").FillAsync("Court order 2026/17");
        await admin.GetByTestId("hold-place").ClickAsync();
        await admin.Locator("[data-testid=hold-row][data-case='C-12']").WaitForAsync();
        var holds = (await server.SendAsync(HttpMethod.Get, "v1/holds", "auditor")).Body.GetProperty("holds").EnumerateArray().ToList();
        Assert.Equal([("C-12", "Court order 2026/17", server.Keys["admin"].Id)],
            holds.Select(h => (h.GetProperty("case").GetString(), h.GetProperty("reason").GetString(), h.GetProperty("placedBy").GetString())));
        await ConsoleBrowserTests.AccessibleAsync(admin, "retention");
        await ConsoleBrowserTests.ScreenshotAsync(admin, "retention");
        await admin.GetByTestId("hold-release").ClickAsync();
        await admin.GetByTestId("hold-release-confirm").ClickAsync();
        await admin.GetByText("No case is under legal hold.").WaitForAsync();
        Assert.Empty((await server.SendAsync(HttpMethod.Get, "v1/holds", "auditor")).Body.GetProperty("holds").EnumerateArray());

        // A camera added from the settings; once it streams, a zone drawn on its frame with four clicks.
        await Nav(admin, "Settings");
        await admin.GetByTestId("camera-add").ClickAsync();
        await admin.GetByTestId("camera-name").FillAsync("gate");
        await admin.GetByTestId("camera-url").FillAsync(source.Url);
        await admin.GetByTestId("camera-labels").FillAsync("person");
        await admin.GetByTestId("camera-save").ClickAsync();
        await admin.Locator("[data-testid=camera-settings-row][data-camera='gate']").WaitForAsync();
        Assert.Equal(source.Url, (await server.SendAsync(HttpMethod.Get, "v1/cameras/gate", "auditor")).Body.GetProperty("url").GetString());
        await ConsoleBrowserTests.AccessibleAsync(admin, "camera settings");
        await ConsoleBrowserTests.ScreenshotAsync(admin, "settings-cameras");
        await WaitForFrameAsync(server, "gate");

        await admin.GetByTestId("camera-zones").ClickAsync();
        await admin.GetByTestId("zone-add").ClickAsync();
        await admin.GetByTestId("zone-name").FillAsync("porch");
        await admin.GetByTestId("zone-loiter").FillAsync("30");
        var canvas = admin.GetByTestId("zone-canvas");
        await admin.WaitForFunctionAsync("() => document.querySelector('[data-testid=zone-canvas] image') !== null");
        var box = (await canvas.BoundingBoxAsync())!;
        (float X, float Y)[] clicks = [(0.1f, 0.5f), (0.4f, 0.5f), (0.45f, 0.95f), (0.05f, 0.9f)];
        foreach (var (x, y) in clicks)
            await canvas.ClickAsync(new LocatorClickOptions { Position = new Position { X = x * box.Width, Y = y * box.Height } });
        await admin.GetByTestId("zone-close").ClickAsync();
        await ConsoleBrowserTests.AccessibleAsync(admin, "zone editor");
        await ConsoleBrowserTests.ScreenshotAsync(admin, "settings-zones");
        await admin.GetByTestId("zones-save").ClickAsync();
        await admin.GetByText("Zones of gate saved.").WaitForAsync();
        var zone = (await server.SendAsync(HttpMethod.Get, "v1/cameras/gate", "auditor")).Body.GetProperty("zones").EnumerateArray().Single();
        Assert.Equal(("porch", 30), (zone.GetProperty("name").GetString(), zone.GetProperty("loiterSeconds").GetInt32()));
        var points = zone.GetProperty("polygon").EnumerateArray().Select(p => (X: p.GetProperty("x").GetSingle(), Y: p.GetProperty("y").GetSingle())).ToList();
        Assert.Equal(clicks.Length, points.Count);
        foreach (var (clicked, saved) in clicks.Zip(points))
            Assert.True(Math.Abs(clicked.X - saved.X) < 0.01 && Math.Abs(clicked.Y - saved.Y) < 0.01, $"clicked {clicked}, saved {saved}");

        // An alert rule added and deleted.
        await admin.GetByTestId("settings-rules").ClickAsync();
        await admin.GetByTestId("rule-label").FillAsync("person");
        await admin.GetByTestId("rule-minConfidence").FillAsync("70");
        await admin.GetByTestId("rule-cameras").FillAsync("lobby");
        await admin.GetByTestId("rule-zones").FillAsync("porch");
        await admin.GetByTestId("rule-webhook").FillAsync("https://93.184.215.14/hooks/sightline");
        await admin.GetByTestId("rule-add").ClickAsync();
        await admin.GetByTestId("rule-secret").WaitForAsync();
        await admin.GetByTestId("rule-row").WaitForAsync();
        var rules = (await server.SendAsync(HttpMethod.Get, "v1/alert-rules", "admin")).Body.GetProperty("rules").EnumerateArray().ToList();
        var rule = Assert.Single(rules);
        Assert.Equal(("person", 70f, "lobby", "porch"), (rule.GetProperty("label").GetString(), rule.GetProperty("minConfidence").GetSingle(),
            rule.GetProperty("cameras")[0].GetString(), rule.GetProperty("zones")[0].GetString()));
        await ConsoleBrowserTests.AccessibleAsync(admin, "alert rules");
        await ConsoleBrowserTests.ScreenshotAsync(admin, "settings-rules");
        await admin.GetByTestId("rule-delete").ClickAsync();
        await admin.GetByTestId("rule-delete-confirm").ClickAsync();
        await admin.GetByText("No alert rules.").WaitForAsync();
        Assert.Empty((await server.SendAsync(HttpMethod.Get, "v1/alert-rules", "admin")).Body.GetProperty("rules").EnumerateArray());

        // A key issued from the page: its secret shown once, working until it is revoked from the page.
        await admin.GetByTestId("settings-keys").ClickAsync();
        await admin.GetByTestId("key-role").SelectOptionAsync("analyst");
        await admin.GetByTestId("key-description").FillAsync("Night desk");
        await admin.GetByTestId("key-create").ClickAsync();
        var secretShown = admin.GetByTestId("key-secret");
        await secretShown.WaitForAsync();
        string keyId = (await secretShown.GetAttributeAsync("data-key"))!;
        string secret = await secretShown.InnerTextAsync();
        Assert.Contains("cannot be shown again", await admin.Locator(".secret").InnerTextAsync(), StringComparison.Ordinal);
        await admin.Locator($"[data-testid=key-row][data-key='{keyId}']").WaitForAsync();
        Assert.Equal(HttpStatusCode.OK, await WithKeyAsync(server, keyId, secret, "v1/collections"));
        await ConsoleBrowserTests.AccessibleAsync(admin, "access keys");
        await ConsoleBrowserTests.ScreenshotAsync(admin, "settings-keys");
        var listed = await server.SendAsync(HttpMethod.Get, "v1/keys", "admin");
        Assert.DoesNotContain(secret, listed.Text, StringComparison.Ordinal);
        var row = admin.Locator($"[data-testid=key-row][data-key='{keyId}']");
        await row.GetByTestId("key-revoke").ClickAsync();
        await row.GetByTestId("key-revoke-confirm").ClickAsync();
        await row.GetByText("Revoked").WaitForAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await WithKeyAsync(server, keyId, secret, "v1/collections"));

        // The camera removed, with confirmation.
        await admin.GetByTestId("settings-cameras").ClickAsync();
        await admin.GetByTestId("camera-remove").ClickAsync();
        await admin.GetByTestId("camera-remove-confirm").ClickAsync();
        await admin.GetByText("No cameras yet.").WaitForAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "v1/cameras/gate", "auditor")).Status);

        // An operator has no settings, transparency report or retention screen.
        await using var operatorContext = await browser.NewContextAsync(viewport);
        var operatorPage = await operatorContext.NewPageAsync();
        await ConsoleBrowserTests.SignInAsync(operatorPage, server, "operator");
        string nav = await operatorPage.GetByTestId("nav").InnerTextAsync();
        foreach (string screen in new[] { "Settings", "Transparency", "Retention" })
            Assert.DoesNotContain(screen, nav, StringComparison.Ordinal);
        await operatorPage.GotoAsync(new Uri(server.Address, "#/settings").ToString());
        await operatorPage.GetByTestId("nav").WaitForAsync();
        Assert.Equal(0, await operatorPage.GetByTestId("camera-add").CountAsync());
    }

    [Fact]
    public async Task Keys_are_issued_listed_and_revoked_over_the_api_by_administrators_only_and_the_audit_log_filters_by_time()
    {
        await using var server = await ServerProcess.StartAsync();
        var (unknown, problem) = await server.SendAsync(HttpMethod.Post, "v1/keys", "admin", ServerProcess.Json(new { role = "wizard" }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Post, "v1/keys", "admin", ServerProcess.Json(new { defaultCase = "C-1" }))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Post, "v1/keys", "admin", ServerProcess.Json(new { role = "auditor", description = "" }))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Post, "v1/keys", "admin", new StringContent("{\"role\": 7}", System.Text.Encoding.UTF8, "application/json"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Post, "v1/keys", "operator", ServerProcess.Json(new { role = "admin" }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Get, "v1/keys", "auditor")).Status);

        var (created, issued) = await server.SendAsync(HttpMethod.Post, "v1/keys", "admin", ServerProcess.Json(new { role = "auditor", defaultCase = "C-9", description = "Ombudsman" }));
        Assert.Equal(HttpStatusCode.Created, created);
        string id = issued.GetProperty("accessKeyId").GetString()!, secret = issued.GetProperty("secretAccessKey").GetString()!;
        Assert.Equal(("auditor", "C-9"), (issued.GetProperty("role").GetString(), issued.GetProperty("defaultCase").GetString()));
        Assert.Equal(HttpStatusCode.OK, await WithKeyAsync(server, id, secret, "v1/audit?limit=1"));

        var listed = await server.SendAsync(HttpMethod.Get, "v1/keys", "admin");
        var key = listed.Body.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("accessKeyId").GetString() == id);
        Assert.Equal(("auditor", "Ombudsman", JsonValueKind.Null), (key.GetProperty("role").GetString(), key.GetProperty("description").GetString(), key.GetProperty("revokedAt").ValueKind));
        Assert.DoesNotContain(secret, listed.Text, StringComparison.Ordinal);
        foreach (string field in new[] { "salt", "secretHash", "secret" })
            Assert.False(key.TryGetProperty(field, out _), field);

        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Post, $"v1/keys/{id}/revoke", "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Post, $"v1/keys/{id}/revoke", "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Post, "v1/keys/SLNOSUCHKEY0000000000/revoke", "admin")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await WithKeyAsync(server, id, secret, "v1/audit?limit=1"));
        var revoked = (await server.SendAsync(HttpMethod.Get, "v1/keys", "admin")).Body.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("accessKeyId").GetString() == id);
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("revokedAt").ValueKind);

        // Both changes are in the audit chain under the administrator's key; the time filter narrows the log.
        string adminId = server.Keys["admin"].Id;
        var records = (await server.SendAsync(HttpMethod.Get, $"v1/audit?actor={adminId}", "auditor")).Body.GetProperty("records").EnumerateArray().ToList();
        Assert.Contains(records, r => r.GetProperty("operation").GetString() == "CreateAccessKey" && r.GetProperty("outcome").GetString() == "ok");
        Assert.Contains(records, r => r.GetProperty("operation").GetString() == "RevokeAccessKey" && r.GetProperty("outcome").GetString() == "ok");
        var newest = records[0];
        string at = newest.GetProperty("at").GetString()!;
        var since = (await server.SendAsync(HttpMethod.Get, $"v1/audit?actor={adminId}&from={Uri.EscapeDataString(at)}", "auditor")).Body.GetProperty("records").EnumerateArray().ToList();
        Assert.Contains(since, r => r.GetProperty("seq").GetInt64() == newest.GetProperty("seq").GetInt64());
        Assert.All(since, r => Assert.True(r.GetProperty("at").GetDateTimeOffset() >= newest.GetProperty("at").GetDateTimeOffset()));
        Assert.Empty((await server.SendAsync(HttpMethod.Get, $"v1/audit?to=2020-01-01", "auditor")).Body.GetProperty("records").EnumerateArray());
        foreach (var (bad, name) in new[] { ("from=yesterday", "from"), ("to=2026-13-45", "to"), ("from=2026-02-01&to=2026-01-01", "to") })
        {
            var (status, refusal) = await server.SendAsync(HttpMethod.Get, $"v1/audit?{bad}", "auditor");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains($"'{name}'", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task Nav(IPage page, string screen) =>
        await page.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = screen, Exact = true }).ClickAsync();

    private static Dictionary<string, long> Counts(JsonElement counts) => counts.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    /// <summary>The bars of a chart as drawn: label → value.</summary>
    private static async Task<Dictionary<string, long>> BarsAsync(IPage page, string chart)
    {
        var bars = page.GetByTestId($"chart-{chart}").Locator("[data-testid=chart-bar]");
        var result = new Dictionary<string, long>();
        for (int i = 0; i < await bars.CountAsync(); i++)
            result[(await bars.Nth(i).GetAttributeAsync("data-label"))!] = long.Parse((await bars.Nth(i).GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    private static async Task<HttpStatusCode> WithKeyAsync(ServerProcess server, string id, string secret, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{id}:{secret}");
        using var response = await server.Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Waits until the camera streams and has an analysed frame, so the zone editor draws on a picture.</summary>
    private static async Task WaitForFrameAsync(ServerProcess server, string camera)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, $"v1/cameras/{camera}/live.jpg"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Bearer("auditor"));
            using var response = await server.Http.SendAsync(request);
            if (response.IsSuccessStatusCode)
                return;
            Assert.True(DateTime.UtcNow < deadline, $"camera {camera} gave no frame: {(await server.SendAsync(HttpMethod.Get, $"v1/cameras/{camera}", "auditor")).Text}");
            await Task.Delay(500);
        }
    }
}
