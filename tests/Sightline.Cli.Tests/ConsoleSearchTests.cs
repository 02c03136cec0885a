using System.Net;
using Microsoft.Playwright;

namespace Sightline.Cli.Tests;

/// <summary>
/// A case-bound search from the console in Debian's chromium against a real server with the real models: the analyst
/// uploads a photo, names the collection, case and purpose, and sees candidates as leads for review, which the review
/// queue then holds under that case; a reviewer's console has no search at all.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class ConsoleSearchTests
{
    [Fact]
    public async Task An_analyst_searches_under_a_case_and_purpose_a_reviewer_compares_the_faces_and_decides_the_lead_and_the_auditor_finds_both()
    {
        await using var server = await ServerProcess.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/collections", "admin", ServerProcess.Json(new { collectionId = "watch" }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Post, "v1/collections/watch/faces?externalImageId=photo-4", "operator", ServerProcess.Jpeg("sample4"))).Status);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleBrowserTests.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await ConsoleBrowserTests.SignInAsync(page, server, "analyst");
        await page.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Search" }).ClickAsync();
        await page.GetByTestId("search-upload").SetInputFilesAsync(SightlineCli.Fixture("sample4"));
        await page.GetByLabel("Collection", new PageGetByLabelOptions { Exact = true }).SelectOptionAsync("watch");
        await page.GetByTestId("search-case").FillAsync("2026-777");
        // No purpose chosen, no search.
        Assert.True(await page.GetByTestId("search-submit").IsDisabledAsync());
        await page.GetByTestId("search-purpose").SelectOptionAsync("investigation");
        await page.GetByTestId("search-submit").ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { NameRegex = new System.Text.RegularExpressions.Regex("for review$") }).WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        var candidates = await page.GetByTestId("search-candidate").AllInnerTextsAsync();
        Assert.NotEmpty(candidates);
        Assert.All(candidates, c => Assert.StartsWith("Lead for review", c, StringComparison.Ordinal));
        Assert.Contains(candidates, c => c.Contains("photo-4", StringComparison.Ordinal));
        await ConsoleBrowserTests.AccessibleAsync(page, "search");
        await ConsoleBrowserTests.ScreenshotAsync(page, "search");

        // The review queue holds them, pending, under the case and purpose, searched by the analyst's key.
        var leads = (await server.SendAsync(HttpMethod.Get, "v1/leads?case=2026-777", "reviewer")).Body.GetProperty("leads").EnumerateArray().ToList();
        Assert.Equal(candidates.Count, leads.Count);
        Assert.All(leads, l => Assert.Equal(("pending", "investigation", server.Keys["analyst"].Id),
            (l.GetProperty("status").GetString(), l.GetProperty("purpose").GetString(), l.GetProperty("searchedBy").GetString())));

        // A reviewer decides leads but does not search: no search in the navigation, none on the page.
        await using var reviewerContext = await browser.NewContextAsync();
        var reviewer = await reviewerContext.NewPageAsync();
        await ConsoleBrowserTests.SignInAsync(reviewer, server, "reviewer");
        Assert.DoesNotContain("Search", await reviewer.GetByTestId("nav").InnerTextAsync(), StringComparison.Ordinal);
        await reviewer.GotoAsync(new Uri(server.Address, "#/search").ToString());
        await reviewer.GetByTestId("nav").WaitForAsync();
        Assert.Equal(0, await reviewer.GetByTestId("search-upload").CountAsync());

        // The reviewer's queue: the analyst's leads, the searched face beside the enrolled one, what the score means.
        await reviewer.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Review" }).ClickAsync();
        await reviewer.GetByTestId("lead-item").First.WaitForAsync();
        Assert.Equal(leads.Count, await reviewer.GetByTestId("lead-item").CountAsync());
        var best = leads.MaxBy(l => l.GetProperty("similarity").GetSingle());
        await reviewer.GetByTestId("lead-item").Filter(new LocatorFilterOptions { HasText = best.GetProperty("similarity").GetSingle().ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%" }).First.ClickAsync();
        await reviewer.WaitForFunctionAsync("() => [...document.querySelectorAll('.compare img')].length >= 2 && [...document.querySelectorAll('.compare img')].every(i => i.complete && i.naturalWidth > 0)");
        string detail = await reviewer.Locator(".lead-detail").InnerTextAsync();
        Assert.Contains("Searched face", detail, StringComparison.Ordinal);
        Assert.Contains("Enrolled: photo-4", detail, StringComparison.Ordinal);
        Assert.Contains("2026-777", detail, StringComparison.Ordinal);
        Assert.Contains(server.Keys["analyst"].Id, detail, StringComparison.Ordinal);
        Assert.Matches(@"scores this high in (at most )?(about 1 in [\d,]+|[\d.]+%) comparisons", detail);
        // No decision without a note.
        Assert.True(await reviewer.GetByTestId("lead-confirm").IsDisabledAsync());
        Assert.True(await reviewer.GetByTestId("lead-reject").IsDisabledAsync());
        await ConsoleBrowserTests.AccessibleAsync(reviewer, "review");
        await ConsoleBrowserTests.ScreenshotAsync(reviewer, "review");
        await reviewer.GetByTestId("lead-note").FillAsync("Compared the searched face with the enrolled photo: different jawline and ear shape.");
        await reviewer.GetByTestId("lead-reject").ClickAsync();
        await reviewer.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = "rejected" }).WaitForAsync();
        Assert.Equal(leads.Count - 1, await reviewer.GetByTestId("lead-item").CountAsync());
        var decided = (await server.SendAsync(HttpMethod.Get, $"v1/leads/{best.GetProperty("leadId").GetString()}", "reviewer")).Body.GetProperty("lead");
        Assert.Equal(("rejected", server.Keys["reviewer"].Id), (decided.GetProperty("status").GetString(), decided.GetProperty("reviewer").GetString()));
        Assert.Contains("jawline", decided.GetProperty("note").GetString(), StringComparison.Ordinal);

        // An admin may search and review, but not a lead of their own search: the page says why and offers no decision.
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Post, "v1/collections/watch/searches?case=2026-778&purpose=investigation", "admin", ServerProcess.Jpeg("sample4"))).Status);
        await using var adminContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var admin = await adminContext.NewPageAsync();
        admin.SetDefaultTimeout(20_000);
        await ConsoleBrowserTests.SignInAsync(admin, server, "admin");
        await admin.GotoAsync(new Uri(server.Address, "#/review").ToString());
        await admin.GetByLabel("Case").FillAsync("2026-778");
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Filter" }).ClickAsync();
        await admin.GetByTestId("lead-item").Filter(new LocatorFilterOptions { HasText = "your search" }).First.ClickAsync();
        await admin.GetByRole(AriaRole.Note).Filter(new LocatorFilterOptions { HasText = "another person" }).WaitForAsync();
        Assert.Equal(0, await admin.GetByTestId("lead-confirm").CountAsync());

        // The auditor finds the search and the review, under the case, in the audit view.
        await using var auditorContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var auditor = await auditorContext.NewPageAsync();
        auditor.SetDefaultTimeout(20_000);
        await ConsoleBrowserTests.SignInAsync(auditor, server, "auditor");
        await auditor.GetByTestId("nav").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Audit log" }).ClickAsync();
        await auditor.GetByTestId("audit-row").First.WaitForAsync();
        await auditor.GetByTestId("audit-row").Filter(new LocatorFilterOptions { HasText = "ReviewLead" }).First.WaitForAsync();
        var rows = await auditor.GetByTestId("audit-row").AllInnerTextsAsync();
        Assert.Contains(rows, r => r.Contains("ReviewLead", StringComparison.Ordinal) && r.Contains(server.Keys["reviewer"].Id, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("SearchFacesByImage", StringComparison.Ordinal) && r.Contains("2026-777", StringComparison.Ordinal) && r.Contains(server.Keys["analyst"].Id, StringComparison.Ordinal));
    }
}
