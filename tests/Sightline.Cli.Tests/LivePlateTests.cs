using System.Net;
using System.Text.Json;
using OpenCvSharp;
using Sightline.Benchmarks.Live;
using Sightline.Detectors.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// Plates on a live stream: a site's own vehicle detector (a tiny generated YOLOv8 model whose one box covers the
/// middle of the frame) finds a vehicle that pulls up on an MJPEG stream on loopback; the real text models read its
/// plate once, and a hotlist hit becomes an event with the plate and a signed alert; nothing else is kept.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class LivePlateTests
{
    private static readonly SemaphoreSlim s_clipGate = new(1, 1);

    /// <summary>A dark vehicle 1000×410 with a white Californian plate "7ABC-123" low in its middle.</summary>
    private static string VehicleImage(string directory)
    {
        using var car = new Mat(410, 1000, MatType.CV_8UC3, new OpenCvSharp.Scalar(45, 40, 38));
        Cv2.Rectangle(car, new Rect(120, 30, 760, 130), new OpenCvSharp.Scalar(90, 80, 70), -1);
        Cv2.Rectangle(car, new Rect(300, 200, 400, 170), OpenCvSharp.Scalar.All(245), -1);
        Cv2.Rectangle(car, new Rect(300, 200, 400, 170), OpenCvSharp.Scalar.All(20), 4);
        Cv2.PutText(car, "CALIFORNIA", new OpenCvSharp.Point(385, 240), HersheyFonts.HersheyDuplex, 0.9, new OpenCvSharp.Scalar(40, 40, 160), 2, LineTypes.AntiAlias);
        Cv2.PutText(car, "7ABC-123", new OpenCvSharp.Point(322, 335), HersheyFonts.HersheyDuplex, 2.2, OpenCvSharp.Scalar.All(10), 5, LineTypes.AntiAlias);
        string path = Path.Combine(directory, "vehicle.png");
        car.ImWrite(path);
        return path;
    }

    internal static async Task<string> ClipAsync()
    {
        await s_clipGate.WaitAsync();
        try
        {
            using var work = new TempDir();
            return await SceneClip.VehicleStopsAsync(VehicleImage(work.Path), 140, 250, Path.Combine(Path.GetTempPath(), "sightline-scene-vehicle-v1.mp4"), CancellationToken.None);
        }
        finally
        {
            s_clipGate.Release();
        }
    }

    /// <summary>
    /// A YOLOv8 detector (one class) whose one box, in its 64×64 letterboxed input, is centred at (32, 36.5), 48×19:
    /// on a 1280×720 frame, x 160–1120 and y 260–640, where the vehicle stands.
    /// </summary>
    internal static byte[] VehicleDetector() =>
        TinyModels.Build(TinyModels.Input64, new FixedOutput("output0", [1, 5, 1], [32, 36.5f, 48, 19, 0.9f]));

    [Fact]
    public async Task A_vehicle_on_a_hotlist_is_read_once_and_becomes_an_event_with_its_plate_and_a_signed_alert()
    {
        string clip = await ClipAsync();
        await using var source = await LoopbackStream.MjpegAsync(clip, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        using var receiver = new WebhookReceiver();
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Put, "v1/hotlists/stolen/entries/7ABC-123", "admin",
            ServerProcess.Json(new { reason = "Reported stolen 2026-12-01" }))).Status);
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/detectors", "admin",
            CustomDetectorTests.Registration("vehicles", VehicleDetector(), "vehicle", "yolov8"))).Status);
        var rule = await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(new { label = "hotlist:stolen", minConfidence = 50, cameras = new[] { "gate" }, webhook = receiver.Url }));
        Assert.True(rule.Status == HttpStatusCode.Created, rule.Text);
        string secret = rule.Body.GetProperty("secret").GetString()!;
        await using var sse = new EventStreamReader(server.Address, server.Bearer("operator"));
        await sse.Opened.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Plate reading needs a vehicle or plate label.
        var refused = await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin", ServerProcess.Json(new { name = "gate", url = source.Url, labels = new[] { "person" }, readPlates = true }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("readPlates", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var camera = await server.SendAsync(HttpMethod.Post, "v1/cameras", "admin",
            ServerProcess.Json(new { name = "gate", url = source.Url, labels = new[] { "vehicle" }, readPlates = true, size = "1280x720" }));
        Assert.True(camera.Status == HttpStatusCode.Created, camera.Text);

        Assert.True(await receiver.WaitForAsync(r => !r.Received.IsEmpty, TimeSpan.FromSeconds(90)), "no hotlist alert reached the webhook");
        var (body, signature, _) = receiver.Received.First();
        var alert = JsonDocument.Parse(body).RootElement;
        Assert.Equal(("hotlist:stolen", "camera:gate"), (alert.GetProperty("label").GetString(), alert.GetProperty("source").GetString()));
        Assert.Equal(Sightline.Alerts.AlertRules.Sign(secret, body), signature);
        string id = alert.GetProperty("imageRef").GetString()!["event:".Length..];

        // The vehicle stays (the stream loops): it is not read again.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var hits = (await server.SendAsync(HttpMethod.Get, "v1/events?camera=gate&label=hotlist:stolen", "operator")).Body.GetProperty("events").EnumerateArray().ToList();
        var hit = Assert.Single(hits);
        Assert.Equal((id, "7ABC123", "gate"), (hit.GetProperty("id").GetString(), hit.GetProperty("plate").GetString(), hit.GetProperty("camera").GetString()));
        Assert.True(hit.GetProperty("hasSnapshot").GetBoolean());
        var snapshot = await server.SendAsync(HttpMethod.Get, $"v1/events/{id}/snapshot.jpg", "auditor");
        Assert.Equal(("image/jpeg", HttpStatusCode.OK), (snapshot.ContentType, snapshot.Status));
        var messages = sse.Messages.Where(m => m.Data.GetProperty("event").GetProperty("id").GetString() == id).ToList();
        Assert.Equal(["new", "end"], messages.Select(m => m.Type));
        Assert.Equal("7ABC123", messages[0].Data.GetProperty("event").GetProperty("plate").GetString());
        // The vehicle itself is an event too (its label), with no plate; no other read left anything behind.
        var all = (await server.SendAsync(HttpMethod.Get, "v1/events?camera=gate", "operator")).Body.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["hotlist:stolen", "vehicle"], all.Select(e => e.GetProperty("label").GetString()).Order(StringComparer.Ordinal));
        // Plate search finds the hit (separators and case as typed), and only hits: a plate that hit nothing was never kept.
        var found = await server.SendAsync(HttpMethod.Get, "v1/events?plate=7abc-123", "auditor");
        Assert.Equal([id], found.Body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Get, "v1/events?plate=-", "auditor")).Status);
        using (var playwright = await Microsoft.Playwright.Playwright.CreateAsync())
        {
            await using var browser = await ConsoleBrowserTests.LaunchAsync(playwright);
            var page = await browser.NewPageAsync();
            await ConsoleBrowserTests.SignInAsync(page, server, "auditor");
            await page.GetByTestId("plate-search").FillAsync("7ABC 123");
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Find hotlist hits" }).ClickAsync();
            await page.GetByText("Hotlist hits of 7ABC 123").WaitForAsync();
            var hitItem = page.GetByTestId("event-item");
            Assert.Equal(1, await hitItem.CountAsync());
            Assert.Contains("plate 7ABC123", await hitItem.InnerTextAsync(), StringComparison.Ordinal);
            await ConsoleBrowserTests.AccessibleAsync(page, "plate search");
            await ConsoleBrowserTests.ScreenshotAsync(page, "plate-search");
        }

        string metrics = await server.Http.GetStringAsync(new Uri(server.Address, "metrics"));
        Assert.Contains("sightline_camera_plate_reads_total{camera=\"gate\",outcome=\"read\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("sightline_camera_plate_reads_total{camera=\"gate\",outcome=\"hotlist_hit\"} 1", metrics, StringComparison.Ordinal);
    }
}
