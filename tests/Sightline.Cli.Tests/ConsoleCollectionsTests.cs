using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace Sightline.Cli.Tests;

/// <summary>
/// The collection, hotlist and authorization screens in Debian's chromium against a real server with the real models:
/// an operator creates a collection, enrols a real photo from the browser, creates a user and deletes a face, the user
/// and the collection through the confirmation, each reflected by the API; an analyst browses the collection with
/// nothing to change; an administrator adds and removes a hotlist plate and records and revokes an authorization for
/// live face search, each reflected by the API. axe finds no violation on any of the screens; screenshots go to
/// artifacts/console/.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class ConsoleCollectionsTests
{
    private static async Task<IPage> OpenAsync(IBrowser browser, ServerProcess server, string role, params string[] toNav)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, TimezoneId = "UTC" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await ConsoleBrowserTests.SignInAsync(page, server, role);
        foreach (string link in toNav)
            await page.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = link, Exact = true }).ClickAsync();
        return page;
    }

    private static async Task<List<JsonElement>> FacesAsync(ServerProcess server, string collection) =>
        [.. (await server.SendAsync(HttpMethod.Get, $"v1/collections/{collection}/faces", "auditor")).Body.GetProperty("faces").EnumerateArray()];

    [Fact]
    public async Task An_operator_creates_enrols_and_deletes_through_a_confirmation_and_an_analyst_only_browses()
    {
        await using var server = await ServerProcess.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowserTests.LaunchAsync(playwright);
        var page = await OpenAsync(browser, server, "operator", "Collections");
        string nav = await page.GetByTestId("nav").InnerTextAsync();
        Assert.DoesNotContain("Authorizations", nav, StringComparison.Ordinal); // administrators only, as the API

        // Created on the page, then opened: an empty collection.
        await page.GetByLabel("New collection id").FillAsync("watch-ui");
        await page.GetByTestId("collection-create").ClickAsync();
        var row = page.GetByTestId("collection-row").Filter(new LocatorFilterOptions { HasText = "watch-ui" });
        await row.WaitForAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "v1/collections/watch-ui", "auditor")).Status);
        await ConsoleBrowserTests.AccessibleAsync(page, "collections");
        await ConsoleBrowserTests.ScreenshotAsync(page, "collections");
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "watch-ui" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Collection watch-ui" }).WaitForAsync();

        // A real photo enrolled from the browser: the page says how many faces were indexed and lists them.
        await page.GetByTestId("enrol-upload").SetInputFilesAsync(SightlineCli.Fixture("sample4"));
        await page.GetByTestId("enrol-external").FillAsync("photo-4");
        await page.GetByTestId("enrol-submit").ClickAsync();
        var result = page.GetByTestId("enrol-result");
        await result.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        var enrolled = await FacesAsync(server, "watch-ui");
        Assert.NotEmpty(enrolled);
        Assert.All(enrolled, f => Assert.Equal("photo-4", f.GetProperty("externalImageId").GetString()));
        Assert.Contains(enrolled.Count == 1 ? "1 face indexed" : $"{enrolled.Count} faces indexed", await result.InnerTextAsync(), StringComparison.Ordinal);
        string faceId = enrolled[^1].GetProperty("faceId").GetString()!;
        ILocator faceRow = page.Locator($"[data-testid=face-row][data-face-id='{faceId}']");
        await faceRow.WaitForAsync();
        Assert.Contains("photo-4", await faceRow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(enrolled.Count, await page.GetByTestId("face-row").CountAsync());
        // Every face enrolled now has its thumbnail, loaded from the server.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=face-row] td:first-child')].every(c => c.querySelector('img')?.complete && c.querySelector('img').naturalWidth > 0)");

        await page.GetByLabel("New user id").FillAsync("person-1");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create user" }).ClickAsync();
        await page.GetByTestId("user-row").Filter(new LocatorFilterOptions { HasText = "person-1" }).WaitForAsync();
        await ConsoleBrowserTests.AccessibleAsync(page, "collection");
        await ConsoleBrowserTests.ScreenshotAsync(page, "collection");

        // An analyst sees the collection, its faces and users, and nothing that changes them.
        var analyst = await OpenAsync(browser, server, "analyst", "Collections");
        await analyst.GetByTestId("collection-row").Filter(new LocatorFilterOptions { HasText = "watch-ui" }).GetByRole(AriaRole.Button).ClickAsync();
        await analyst.Locator($"[data-testid=face-row][data-face-id='{faceId}']").WaitForAsync();
        await analyst.GetByTestId("user-row").First.WaitForAsync();
        foreach (string hook in new[] { "enrol-upload", "enrol-submit", "face-delete", "user-delete", "collection-delete", "collection-create" })
            Assert.Equal(0, await analyst.GetByTestId(hook).CountAsync());
        Assert.Equal(0, await analyst.GetByRole(AriaRole.Button, new PageGetByRoleOptions { NameRegex = new System.Text.RegularExpressions.Regex("^Delete") }).CountAsync());
        await ConsoleBrowserTests.AccessibleAsync(analyst, "collection, read only");
        await ConsoleBrowserTests.ScreenshotAsync(analyst, "collection-read-only");

        // A search under a case that is then put on legal hold: the face it found is kept, and the page says so with the API's reason.
        var (searched, found) = await server.SendAsync(HttpMethod.Post, "v1/collections/watch-ui/searches?case=HOLD-UI&purpose=investigation", "analyst", ServerProcess.Jpeg("sample4"));
        Assert.Equal(HttpStatusCode.OK, searched);
        var matched = found.GetProperty("faceMatches").EnumerateArray().Select(m => m.GetProperty("face").GetProperty("faceId").GetString()!).ToHashSet();
        string held = matched.First();
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Put, "v1/holds/HOLD-UI", "admin", ServerProcess.Json(new { reason = "Court order: preserve" }))).Status);
        var dialog = page.GetByRole(AriaRole.Dialog);
        await page.Locator($"[data-testid=face-row][data-face-id='{held}']").GetByTestId("face-delete").ClickAsync();
        await page.GetByTestId("confirm-delete").ClickAsync();
        Assert.Contains("legal hold", await dialog.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowserTests.ScreenshotAsync(page, "collection-delete-refused");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        Assert.Contains(await FacesAsync(server, "watch-ui"), f => f.GetProperty("faceId").GetString() == held);
        faceId = enrolled.Select(f => f.GetProperty("faceId").GetString()!).First(f => !matched.Contains(f));
        faceRow = page.Locator($"[data-testid=face-row][data-face-id='{faceId}']");

        // A face deleted through the confirmation, which says what goes; the API no longer lists it.
        await faceRow.GetByTestId("face-delete").ClickAsync();
        await dialog.WaitForAsync();
        Assert.Contains(faceId, await dialog.InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowserTests.AccessibleAsync(page, "confirm delete");
        await ConsoleBrowserTests.ScreenshotAsync(page, "collection-confirm-delete");
        await page.GetByTestId("confirm-delete").ClickAsync();
        await page.GetByText($"Face {faceId} deleted.").WaitForAsync();
        await faceRow.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.DoesNotContain(await FacesAsync(server, "watch-ui"), f => f.GetProperty("faceId").GetString() == faceId);

        // Cancelling deletes nothing; confirming deletes the user, then the collection.
        await page.GetByTestId("user-delete").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        Assert.Single((await server.SendAsync(HttpMethod.Get, "v1/collections/watch-ui/users", "auditor")).Body.GetProperty("users").EnumerateArray());
        await page.GetByTestId("user-delete").ClickAsync();
        await page.GetByTestId("confirm-delete").ClickAsync();
        await page.GetByText("User person-1 deleted.").WaitForAsync();
        Assert.Empty((await server.SendAsync(HttpMethod.Get, "v1/collections/watch-ui/users", "auditor")).Body.GetProperty("users").EnumerateArray());

        // The collection: refused with the API's message while the hold stands, deleted once it is lifted.
        await page.GetByTestId("collection-delete").ClickAsync();
        Assert.Contains("watch-ui", await dialog.InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByTestId("confirm-delete").ClickAsync();
        Assert.Contains("under a legal hold", await dialog.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "v1/collections/watch-ui", "auditor")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, "v1/holds/HOLD-UI", "admin")).Status);
        await page.GetByTestId("collection-delete").ClickAsync();
        await page.GetByTestId("confirm-delete").ClickAsync();
        await page.GetByText("Collection watch-ui deleted.").WaitForAsync();
        await page.GetByTestId("collection-row").Filter(new LocatorFilterOptions { HasText = "watch-ui" }).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        var ids = (await server.SendAsync(HttpMethod.Get, "v1/collections", "auditor")).Body.GetProperty("collectionIds").EnumerateArray().Select(i => i.GetString());
        Assert.DoesNotContain("watch-ui", ids);

        // An operator reads hotlists but may not change them (administer), so the page offers nothing to press.
        await page.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Hotlists" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Hotlists" }).WaitForAsync();
        Assert.Equal(0, await page.GetByTestId("hotlist-add").CountAsync());
    }

    [Fact]
    public async Task An_administrator_adds_and_removes_a_hotlist_plate_and_records_and_revokes_an_authorization()
    {
        await using var server = await ServerProcess.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/collections", "admin", ServerProcess.Json(new { collectionId = "watchlist" }))).Status);
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin",
            ServerProcess.Json(new { name = "gate", url = "http://127.0.0.1:9/video.mjpg", labels = new[] { "person" } }))).Status);
        // One that runs out within the day, to be called out on the page.
        var soon = new
        {
            orderNumber = "W-0001", authority = "District Court", cameras = new[] { "gate" }, collectionId = "watchlist", @case = "2026-100",
            purpose = "investigation", expiresAt = DateTimeOffset.UtcNow.AddHours(3).ToString("O", CultureInfo.InvariantCulture),
        };
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/authorizations", "admin", ServerProcess.Json(soon))).Status);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowserTests.LaunchAsync(playwright);
        var page = await OpenAsync(browser, server, "admin", "Hotlists");

        // A plate added on the page is on the list, normalised as the server keeps it; removed, it is gone.
        await page.GetByTestId("hotlist-list").FillAsync("stolen");
        await page.GetByTestId("hotlist-plate").FillAsync("ab-123 cd");
        await page.GetByTestId("hotlist-reason").FillAsync("Reported stolen 2026-03-01");
        await page.GetByTestId("hotlist-add").ClickAsync();
        var plateRow = page.Locator("[data-testid=hotlist-row][data-plate='AB123CD']");
        await plateRow.WaitForAsync();
        var entries = (await server.SendAsync(HttpMethod.Get, "v1/hotlists", "auditor")).Body.GetProperty("entries").EnumerateArray().ToList();
        var entry = Assert.Single(entries);
        Assert.Equal(("stolen", "AB123CD", "Reported stolen 2026-03-01", server.Keys["admin"].Id),
            (entry.GetProperty("list").GetString(), entry.GetProperty("plate").GetString(), entry.GetProperty("reason").GetString(), entry.GetProperty("addedBy").GetString()));
        await ConsoleBrowserTests.AccessibleAsync(page, "hotlists");
        await ConsoleBrowserTests.ScreenshotAsync(page, "hotlists");
        await plateRow.GetByTestId("hotlist-remove").ClickAsync();
        Assert.Contains("AB123CD", await page.GetByRole(AriaRole.Dialog).InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByTestId("confirm-delete").ClickAsync();
        await page.GetByText("AB123CD removed from stolen.").WaitForAsync();
        await plateRow.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.Empty((await server.SendAsync(HttpMethod.Get, "v1/hotlists", "auditor")).Body.GetProperty("entries").EnumerateArray());

        // An authorization recorded on the page: checked before it is sent, then listed by the API.
        await page.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Authorizations" }).ClickAsync();
        await page.GetByTestId("authorization-row").First.WaitForAsync();
        Assert.Contains("Expires within 24 h", await page.GetByTestId("authorization-state").First.InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByTestId("auth-orderNumber").FillAsync("W-2026-042");
        await page.GetByTestId("auth-create").ClickAsync();
        Assert.Contains("authority", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal); // nothing sent without every field
        await page.GetByTestId("auth-authority").FillAsync("High Court of Justice");
        await page.GetByTestId("auth-caseId").FillAsync("2026-042");
        await page.GetByTestId("auth-purpose").SelectOptionAsync("investigation");
        await page.GetByTestId("auth-collectionId").SelectOptionAsync("watchlist");
        await page.GetByLabel("gate", new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await page.GetByTestId("auth-expiresAt").FillAsync(DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await page.GetByTestId("auth-create").ClickAsync();
        await page.GetByText("Authorization recorded.").WaitForAsync();
        var listed = (await server.SendAsync(HttpMethod.Get, "v1/authorizations", "admin")).Body.GetProperty("authorizations").EnumerateArray().ToList();
        var created = Assert.Single(listed, a => a.GetProperty("orderNumber").GetString() == "W-2026-042");
        Assert.Equal(("High Court of Justice", "2026-042", "investigation", "watchlist", "active"),
            (created.GetProperty("authority").GetString(), created.GetProperty("case").GetString(), created.GetProperty("purpose").GetString(),
             created.GetProperty("collectionId").GetString(), created.GetProperty("state").GetString()));
        Assert.Equal(["gate"], created.GetProperty("cameras").EnumerateArray().Select(c => c.GetString()));
        string id = created.GetProperty("id").GetString()!;
        var row = page.Locator($"[data-testid=authorization-row][data-authorization-id='{id}']");
        Assert.Equal("Active", await row.GetByTestId("authorization-state").InnerTextAsync());
        await ConsoleBrowserTests.AccessibleAsync(page, "authorizations");
        await ConsoleBrowserTests.ScreenshotAsync(page, "authorizations");

        // Revoked on the page with a reason: shown revoked, and revoked on the API.
        await row.GetByTestId("authorization-revoke").ClickAsync();
        await page.GetByTestId("revoke-reason").FillAsync("Suspect in custody");
        await ConsoleBrowserTests.AccessibleAsync(page, "revoke");
        await page.GetByTestId("revoke-confirm").ClickAsync();
        await row.GetByTestId("authorization-state").GetByText("Revoked").WaitForAsync();
        Assert.Contains("Suspect in custody", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await row.GetByTestId("authorization-revoke").CountAsync());
        var revoked = (await server.SendAsync(HttpMethod.Get, $"v1/authorizations/{id}", "admin")).Body;
        Assert.Equal(("revoked", "Suspect in custody", server.Keys["admin"].Id),
            (revoked.GetProperty("state").GetString(), revoked.GetProperty("revokeReason").GetString(), revoked.GetProperty("revokedBy").GetString()));
        await ConsoleBrowserTests.AccessibleAsync(page, "authorizations, revoked");
        await ConsoleBrowserTests.ScreenshotAsync(page, "authorizations-revoked");
    }
}
