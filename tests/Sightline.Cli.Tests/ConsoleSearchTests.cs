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
    public async Task An_analyst_searches_under_a_case_and_purpose_and_gets_leads_for_review_and_a_reviewer_has_no_search()
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
    }
}
