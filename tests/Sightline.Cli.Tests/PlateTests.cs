using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenCvSharp;

namespace Sightline.Cli.Tests;

/// <summary>Plate reading and hotlists with the real text models on a rendered plate, through the CLI and the server.</summary>
[Collection(CliCollection.Name)]
public sealed class PlateTests
{
    /// <summary>A grey scene with a white plate: a small state name above a large "7ABC-123".</summary>
    private static byte[] Scene()
    {
        using var scene = new Mat(720, 1280, MatType.CV_8UC3, new OpenCvSharp.Scalar(90, 95, 100));
        Cv2.Rectangle(scene, new Rect(440, 300, 420, 200), OpenCvSharp.Scalar.All(245), -1);
        Cv2.Rectangle(scene, new Rect(440, 300, 420, 200), OpenCvSharp.Scalar.All(20), 4);
        Cv2.PutText(scene, "CALIFORNIA", new OpenCvSharp.Point(540, 345), HersheyFonts.HersheyDuplex, 1.0, new OpenCvSharp.Scalar(40, 40, 160), 2, LineTypes.AntiAlias);
        Cv2.PutText(scene, "7ABC-123", new OpenCvSharp.Point(468, 450), HersheyFonts.HersheyDuplex, 2.6, OpenCvSharp.Scalar.All(10), 6, LineTypes.AntiAlias);
        return scene.ImEncode(".png");
    }

    [Fact]
    public void Plates_read_normalises_the_number_and_guesses_the_region()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "car.png");
        File.WriteAllBytes(path, Scene());
        var result = SightlineCli.Run("plates", "read", path, "--json", "--data", dir.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var plate = result.Json().GetProperty("plates")[0];
        Assert.Equal(("7ABC123", "US-CA"), (plate.GetProperty("text").GetString(), plate.GetProperty("region").GetString()));
        Assert.True(plate.GetProperty("confidence").GetSingle() > 80);
        var box = plate.GetProperty("boundingBox");
        Assert.InRange(box.GetProperty("left").GetSingle(), 440 / 1280f, 520 / 1280f);
        Assert.InRange(box.GetProperty("top").GetSingle(), 360 / 720f, 420 / 720f);

        var bad = SightlineCli.Run("hotlists", "add", "Stolen Cars", "7ABC123", "--reason", "x", "--data", dir.Path);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("hotlist name", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_plates_scores_exact_and_near_reads_and_lists_each_plate()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "car.png"), Scene());
        string csv = Path.Combine(dir.Path, "plates.csv"), details = Path.Combine(dir.Path, "details.csv");
        // The second row's label is one character off the plate, so it reads within one but not exactly.
        File.WriteAllText(csv, "file,plate_text\ncar.png,7ABC-123\ncar.png,7ABC124\n");
        var result = SightlineCli.Run("eval", "plates", "--plates", csv, "--details", details, "--json", "--data", dir.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal((2, 1.0, 0.5, 1.0), (json.GetProperty("plates").GetInt32(), json.GetProperty("found").GetDouble(),
            json.GetProperty("exact").GetDouble(), json.GetProperty("withinOne").GetDouble()));
        var lines = File.ReadAllLines(details);
        Assert.Equal("file,truth,read,distance,confidence,raw", lines[0]);
        Assert.StartsWith("car.png,7ABC123,7ABC123,0,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("car.png,7ABC124,7ABC123,1,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_on_a_hotlist_exactly_or_one_confusable_character_away_raises_a_signed_alert()
    {
        await using var server = await ServerProcess.StartAsync();
        using var receiver = new WebhookReceiver();
        // Entries: bad ones refused, good ones audited.
        var (noReason, problem) = await server.SendAsync(HttpMethod.Put, "v1/hotlists/stolen/entries/7ABC-123", "admin", ServerProcess.Json(new { reason = "" }));
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.Contains("reason", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Put, "v1/hotlists/stolen/entries/7ABC-123", "admin",
            ServerProcess.Json(new { reason = "stolen", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Put, "v1/hotlists/stolen/entries/7ABC-123", "analyst", ServerProcess.Json(new { reason = "stolen" }))).Status);
        var (put, entry) = await server.SendAsync(HttpMethod.Put, "v1/hotlists/stolen/entries/7ABC-123", "admin",
            ServerProcess.Json(new { reason = "Reported stolen 2026-11-20", expiresAt = DateTimeOffset.UtcNow.AddDays(30) }));
        Assert.Equal(HttpStatusCode.OK, put);
        Assert.Equal("7ABC123", entry.GetProperty("plate").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Put, "v1/hotlists/amber/entries/7A8C123", "admin", ServerProcess.Json(new { reason = "Amber alert 44" }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Put, "v1/hotlists/other/entries/9XYZ999", "admin", ServerProcess.Json(new { reason = "Unrelated" }))).Status);
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin",
            ServerProcess.Json(new { label = "hotlist:stolen", minConfidence = 50, webhook = receiver.Url }))).Status);

        var upload = new ByteArrayContent(Scene());
        upload.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var (read, body) = await server.SendAsync(HttpMethod.Post, "v1/plates/read", "analyst", upload);
        Assert.Equal(HttpStatusCode.OK, read);
        var hits = body.GetProperty("hotlistHits").EnumerateArray().Select(h => (h.GetProperty("list").GetString(), h.GetProperty("distance").GetInt32())).OrderBy(h => h.Item1).ToList();
        Assert.Equal([("amber", 1), ("stolen", 0)], hits);
        Assert.True(await receiver.WaitForAsync(r => !r.Received.IsEmpty, TimeSpan.FromSeconds(30)), "the webhook received nothing");
        Assert.True(receiver.Received.TryPeek(out var delivery));
        using var alert = JsonDocument.Parse(delivery.Body);
        Assert.Equal(("hotlist:stolen", "plates"), (alert.RootElement.GetProperty("label").GetString(), alert.RootElement.GetProperty("source").GetString()));
        Assert.StartsWith("sha256=", delivery.Signature, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, "v1/hotlists/stolen/entries/7ABC123", "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Delete, "v1/hotlists/stolen/entries/7ABC123", "admin")).Status);
        var audit = SightlineCli.Run("audit", "list", "--json", "--data", server.Data.Path).Json().EnumerateArray()
            .Select(r => (r.GetProperty("operation").GetString(), r.GetProperty("outcome").GetString())).ToList();
        Assert.Equal(3, audit.Count(o => o == ("PutHotlistEntry", "ok")));
        Assert.Equal(3, audit.Count(o => o.Item1 == "PutHotlistEntry" && o.Item2 != "ok")); // the refusals are recorded too
        Assert.Contains(("RemoveHotlistEntry", "ok"), audit);
    }
}
