using System.Collections.Concurrent;
using System.Net;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Tests;

/// <summary>
/// The console in a real browser (Debian's chromium, headless, driven by Playwright) against a real server on
/// loopback: sign in (a wrong secret refused on the page), see a live event arrive without reload from a camera on
/// an MJPEG stream, acknowledge it and add a note (both audited), see the camera's tile stream on the camera wall and
/// open it, sign out; an auditor sees it handled with nothing to press, finds each of the operator's steps in the audit
/// view and verifies the chain there; a forged cookie gets the sign-in page; the page asks nothing of any other host; axe
/// finds no accessibility violation on either screen. Screenshots of each screen go to artifacts/console/.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class ConsoleBrowserTests
{
    private static readonly string s_artifacts = Path.Combine(RepositoryRoot(), "artifacts", "console");

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sightline.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }

    /// <summary>Debian's chromium (setup installs it); Playwright downloads no browser.</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        string path = new[] { "/usr/bin/chromium", "/usr/lib/chromium/chromium" }.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("Debian's chromium is missing: run ./scripts/setup.sh.");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true });
    }

    /// <summary>Opens the console and signs in with <paramref name="role"/>'s key; returns when the navigation shows.</summary>
    internal static async Task SignInAsync(IPage page, ServerProcess server, string role)
    {
        await page.GotoAsync(server.Address.ToString());
        await page.GetByTestId("login-key-id").FillAsync(server.Keys[role].Id);
        await page.GetByTestId("login-secret").FillAsync(server.Keys[role].Secret);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.GetByTestId("nav").WaitForAsync();
    }

    internal static async Task AccessibleAsync(IPage page, string screen)
    {
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0, $"{screen}: " + string.Join("; ", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    internal static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(s_artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_artifacts, name + ".png"), FullPage = true });
    }

    [Fact]
    public async Task An_operator_signs_in_sees_a_live_event_arrive_acknowledges_and_notes_it_signs_out_and_the_page_talks_to_no_other_host()
    {
        string scene = await LiveCameraTests.SceneAsync();
        using var work = new TempDir();
        // An RTSP camera (H.264): the wall's live video relays it as it is, over its own connection to the camera.
        await using var source = await LoopbackStream.RtspAsync(scene, work.Path, loops: 8, CancellationToken.None, shared: true);
        await using var server = await ServerProcess.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var requests = new ConcurrentQueue<string>();
        context.Request += (_, r) => requests.Enqueue(r.Url);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        var (id, secret) = server.Keys["operator"];
        var loaded = await page.GotoAsync(server.Address.ToString());
        Assert.Equal(200, loaded!.Status);
        Assert.Contains("default-src 'none'", loaded.Headers["content-security-policy"], StringComparison.Ordinal);
        await page.GetByTestId("login-key-id").WaitForAsync();
        await AccessibleAsync(page, "sign-in");
        await ScreenshotAsync(page, "sign-in");

        await page.GetByTestId("login-key-id").FillAsync(id);
        await page.GetByTestId("login-secret").FillAsync("not-the-secret");
        await page.GetByTestId("login-submit").ClickAsync();
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        Assert.Contains("wrong", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByTestId("login-secret").FillAsync(secret);
        await page.GetByTestId("login-submit").ClickAsync();
        var nav = page.GetByTestId("nav");
        await nav.WaitForAsync();
        string navText = await nav.InnerTextAsync();
        Assert.Contains("Live events", navText, StringComparison.Ordinal);
        Assert.DoesNotContain("Audit log", navText, StringComparison.Ordinal); // an operator's key may not read the audit log
        await page.GetByText("Live", new PageGetByTextOptions { Exact = true }).WaitForAsync();

        // An alert rule on people, delivered to a webhook: the event shows the alert it raised and its delivery.
        using var receiver = new WebhookReceiver();
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(new { label = "person", minConfidence = 50, webhook = receiver.Url }))).Status);

        // A camera added now: its first event reaches the open page over the event stream, no reload.
        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--data", server.Data.Path).ExitCode);
        await page.GetByTestId("event-item").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        string eventId = (await page.GetByTestId("event-item").First.GetAttributeAsync("data-event-id"))!;
        var item = page.Locator($"[data-event-id='{eventId}']");
        string text = await item.InnerTextAsync();
        Assert.Contains("person", text, StringComparison.Ordinal);
        Assert.Contains("yard", text, StringComparison.Ordinal);
        Assert.Contains("New", await item.GetByTestId("event-status").InnerTextAsync(), StringComparison.Ordinal);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=event-item] img')].some(i => i.complete && i.naturalWidth > 0)");
        await item.GetByTestId("event-alerts").Filter(new LocatorFilterOptions { HasText = "webhook delivered" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.False(receiver.Received.IsEmpty);
        await AccessibleAsync(page, "live events");
        await ScreenshotAsync(page, "live-events");

        // Acknowledged from the page: who and when shown, and on the record under the operator's key.
        await item.GetByTestId("event-ack").ClickAsync();
        await item.GetByText($"Acknowledged by {id}").WaitForAsync();
        await item.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Note…" }).ClickAsync();
        await item.GetByTestId("event-note").FillAsync("Delivery driver, known to site staff.");
        await item.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Add note" }).ClickAsync();
        await item.GetByText("Delivery driver, known to site staff.").WaitForAsync();
        await AccessibleAsync(page, "live events, handled");
        await ScreenshotAsync(page, "live-events-acknowledged");
        var actions = (await server.SendAsync(HttpMethod.Get, $"v1/events/{eventId}/actions", "auditor")).Body.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal([("acknowledge", id), ("note", id)], actions.Select(a => (a.GetProperty("action").GetString(), a.GetProperty("actor").GetString())));
        Assert.Equal("acknowledged", (await server.SendAsync(HttpMethod.Get, $"v1/events/{eventId}", "auditor")).Body.GetProperty("handling").GetString());
        var audit = SightlineCli.Run("audit", "list", "--json", "--data", server.Data.Path).Json().EnumerateArray().ToList();
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "AcknowledgeEvent" && r.GetProperty("actor").GetString() == id);
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "NoteEvent" && r.GetProperty("actor").GetString() == id);
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "SignIn" && r.GetProperty("actor").GetString() == id && r.GetProperty("outcome").GetString() != "ok");
        // The API refuses what the page would never send, and roles that may not handle events.
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Post, $"v1/events/{eventId}/actions", "operator", ServerProcess.Json(new { action = "delete" }))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Post, $"v1/events/{eventId}/actions", "operator", ServerProcess.Json(new { action = "note", note = " " }))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Post, "v1/events/nothing-here/actions", "operator", ServerProcess.Json(new { action = "acknowledge" }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Post, $"v1/events/{eventId}/actions", "auditor", ServerProcess.Json(new { action = "escalate" }))).Status);

        // Once the event has ended and its clip is made, the clip plays on the page with the object's box on its frames.
        await item.GetByTestId("event-play").ClickAsync(new LocatorClickOptions { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('[data-testid=event-clip]'); return v && v.readyState >= 2; }");
        await page.EvaluateAsync("() => document.querySelector('[data-testid=event-clip]').play()");
        await item.GetByTestId("clip-box").WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        var path = (await server.SendAsync(HttpMethod.Get, $"v1/events/{eventId}/path", "auditor")).Body;
        var points = path.GetProperty("points").EnumerateArray().ToList();
        Assert.True(points.Count >= 5, $"{points.Count} boxes on the path");
        Assert.True(path.GetProperty("clipStart").GetDateTimeOffset() <= points[0].GetProperty("at").GetDateTimeOffset());
        // Each frame of the clip is timed (a stream's first second can come in a burst): the offsets never go back.
        var offsets = path.GetProperty("frameOffsets").EnumerateArray().Select(o => o.GetInt64()).ToList();
        Assert.True(offsets.Count >= 10 && offsets[0] == 0 && offsets.Zip(offsets.Skip(1)).All(p => p.Second >= p.First));
        Assert.All(points, p => Assert.InRange(p.GetProperty("width").GetDouble(), 0.01, 1));
        await ScreenshotAsync(page, "event-clip");

        // The camera wall: the camera's tile streams its latest frame; opened, it is large with its recent events.
        await nav.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Cameras" }).ClickAsync();
        var tile = page.GetByTestId("camera-tile").Filter(new LocatorFilterOptions { HasText = "yard" });
        await tile.GetByText("Streaming").WaitForAsync();
        // The tile plays the camera's live video (over a WebSocket, so a wall of them does not use up the browser's connections).
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=camera-tile] video')].some(v => v.readyState >= 2 && v.videoWidth === 1280 && v.currentTime > 0.5)",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await AccessibleAsync(page, "cameras");
        await ScreenshotAsync(page, "cameras");
        await tile.GetByRole(AriaRole.Button).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "yard" }).WaitForAsync();
        await page.GetByText("Recent events").WaitForAsync();
        await page.Locator(".recent li").First.WaitForAsync();
        // Large, the camera plays live video (the source's H.264 relayed, through Media Source Extensions).
        var videoState = page.GetByTestId("live-video-state");
        try
        {
            await videoState.Filter(new LocatorFilterOptions { HasText = "Live video." }).WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail("The live video did not play: " + await videoState.InnerTextAsync());
        }
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('[data-testid=live-video]'); return v && v.readyState >= 2 && v.videoWidth === 1280 && v.currentTime > 1; }",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        double played = await page.EvaluateAsync<double>("() => document.querySelector('[data-testid=live-video]').currentTime");
        await page.WaitForTimeoutAsync(1500);
        Assert.True(await page.EvaluateAsync<double>("() => document.querySelector('[data-testid=live-video]').currentTime") > played + 0.5, "the live video is not moving");
        await AccessibleAsync(page, "camera");
        await ScreenshotAsync(page, "camera");
        var frame = await server.Http.GetAsync(new Uri(server.Address, "v1/cameras/yard/live.jpg"));
        Assert.Equal(HttpStatusCode.Unauthorized, frame.StatusCode); // no key, no frame
        var tracks = await server.SendAsync(HttpMethod.Get, "v1/cameras/yard/tracks", "auditor");
        Assert.Equal((HttpStatusCode.OK, 1280), (tracks.Status, tracks.Body.GetProperty("width").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "v1/cameras/nowhere/live.jpg", "auditor")).Status);

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign out" }).ClickAsync();
        await page.GetByTestId("login-key-id").WaitForAsync();
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "sightline_session");

        // Nothing but this server was asked for anything.
        Assert.NotEmpty(requests);
        // (The camera wall shows frames through object URLs, blob:ORIGIN/ID, which name this server as their origin.)
        Assert.All(requests, url => Assert.Equal(server.Address.Authority, new Uri(url.StartsWith("blob:", StringComparison.Ordinal) ? url[5..] : url).Authority));

        // An auditor sees the events but has nothing to press.
        await using var auditorContext = await browser.NewContextAsync();
        var auditorPage = await auditorContext.NewPageAsync();
        await SignInAsync(auditorPage, server, "auditor");
        await auditorPage.Locator($"[data-event-id='{eventId}']").WaitForAsync();
        Assert.Contains("Acknowledged", await auditorPage.Locator($"[data-event-id='{eventId}']").GetByTestId("event-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await auditorPage.GetByTestId("event-ack").CountAsync());

        // The auditor finds the operator's steps in the audit view and verifies the chain there.
        await auditorPage.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Audit log" }).ClickAsync();
        await auditorPage.GetByTestId("audit-row").First.WaitForAsync();
        await auditorPage.GetByLabel("Access key").FillAsync(id);
        await auditorPage.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Filter" }).ClickAsync();
        await auditorPage.GetByTestId("audit-row").Filter(new LocatorFilterOptions { HasText = "NoteEvent" }).WaitForAsync();
        // The unfiltered page may already show the operator's note: wait until the filtered rows have replaced it.
        await auditorPage.GetByTestId("audit-row").Filter(new LocatorFilterOptions { HasNotText = id }).First
            .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        var rows = await auditorPage.GetByTestId("audit-row").AllInnerTextsAsync();
        Assert.All(rows, r => Assert.Contains(id, r, StringComparison.Ordinal));
        foreach (var step in new[] { "SignIn", "AcknowledgeEvent", "NoteEvent", "SignOut" })
            Assert.Contains(rows, r => r.Contains(step, StringComparison.Ordinal));
        await auditorPage.GetByTestId("audit-verify").ClickAsync();
        await auditorPage.GetByText("Intact: all").WaitForAsync();
        await AccessibleAsync(auditorPage, "audit log");
        await ScreenshotAsync(auditorPage, "audit-log");

        // A forged session cookie gets the sign-in page, not the console.
        await using var forged = await browser.NewContextAsync();
        await forged.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "sightline_session", Value = new string('A', 43), Url = server.Address.ToString() }]);
        var forgedPage = await forged.NewPageAsync();
        await forgedPage.GotoAsync(server.Address.ToString());
        await forgedPage.GetByTestId("login-key-id").WaitForAsync();
        Assert.Equal(0, await forgedPage.GetByTestId("nav").CountAsync());
    }
}
