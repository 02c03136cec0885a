using System.Net;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Tests;

/// <summary>
/// The console in Debian's Firefox ESR (WebDriver BiDi) against a real server with a real RTSP camera: sign in, every
/// screen of an administrator renders, a live event arrives over the event stream, and the camera's live video plays
/// through Media Source Extensions — what the Chromium tests check, in the other engine.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class ConsoleFirefoxTests
{
    private static readonly string s_artifacts = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "console");

    [Fact]
    public async Task The_console_works_in_firefox_sign_in_every_screen_a_live_event_and_live_video()
    {
        string scene = await LiveCameraTests.SceneAsync();
        using var work = new TempDir();
        await using var source = await LoopbackStream.RtspAsync(scene, work.Path, loops: 8, CancellationToken.None, shared: true);
        await using var server = await ServerProcess.StartAsync();
        await using var firefox = await FirefoxBidi.LaunchAsync();
        await firefox.SetViewportAsync(1280, 900);

        // A wrong secret is refused on the page; the right one signs in.
        await firefox.NavigateAsync(server.Address);
        await firefox.WaitForAsync("document.querySelector('[data-testid=login-key-id]')", TimeSpan.FromSeconds(20), "the sign-in form");
        await firefox.FillAsync("[data-testid=login-key-id]", server.Keys["admin"].Id);
        await firefox.FillAsync("[data-testid=login-secret]", "not-the-secret");
        await firefox.ClickAsync("[data-testid=login-submit]");
        await firefox.WaitForAsync("document.querySelector('[role=alert]')?.innerText.includes('wrong')", TimeSpan.FromSeconds(20), "the refusal");
        await firefox.FillAsync("[data-testid=login-secret]", server.Keys["admin"].Secret);
        await firefox.ClickAsync("[data-testid=login-submit]");
        await firefox.WaitForAsync("document.querySelector('[data-testid=nav]')", TimeSpan.FromSeconds(20), "the navigation");

        // Every screen an administrator has renders its heading (no script error leaves a blank page).
        var links = (await firefox.EvaluateAsync("[...document.querySelectorAll('[data-testid=nav] a')].map(a => a.getAttribute('href')).join(' ')"))
            .GetProperty("value").GetString()!.Split(' ');
        Assert.True(links.Length >= 10, string.Join(' ', links));
        foreach (string link in links)
        {
            await firefox.EvaluateAsync($"location.hash = '{link}'");
            await firefox.WaitForAsync($"document.querySelector('a[aria-current=page]')?.getAttribute('href') === '{link}' && document.querySelector('main h1')",
                TimeSpan.FromSeconds(20), $"the screen {link}");
        }

        // A camera added now: its event arrives on the open page without a reload.
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin", ServerProcess.Json(new { name = "yard", url = source.Url }))).Status);
        await firefox.EvaluateAsync("location.hash = '#/events'");
        await firefox.WaitForAsync("document.querySelector('[data-testid=event-item]')?.innerText.includes('yard')", TimeSpan.FromSeconds(60), "a live event");
        await firefox.ScreenshotAsync(Path.Combine(s_artifacts, "firefox-live-events.png"));

        // The camera large: its live video plays (H.264 through Media Source Extensions) and moves.
        await firefox.EvaluateAsync("location.hash = '#/cameras'");
        await firefox.WaitForAsync("[...document.querySelectorAll('[data-testid=camera-tile]')].some(t => t.innerText.includes('Streaming'))", TimeSpan.FromSeconds(30), "the camera streaming");
        await firefox.ClickAsync("[data-testid=camera-tile] button");
        await firefox.WaitForAsync("(v => v && v.readyState >= 2 && v.videoWidth === 1280 && v.currentTime > 1)(document.querySelector('[data-testid=live-video]'))",
            TimeSpan.FromSeconds(40), "the live video playing");
        double played = (await firefox.EvaluateAsync("document.querySelector('[data-testid=live-video]').currentTime")).GetProperty("value").GetDouble();
        await Task.Delay(1500);
        Assert.True((await firefox.EvaluateAsync("document.querySelector('[data-testid=live-video]').currentTime")).GetProperty("value").GetDouble() > played + 0.5,
            "the live video is not moving in Firefox");
        await firefox.ScreenshotAsync(Path.Combine(s_artifacts, "firefox-camera.png"));
    }
}
