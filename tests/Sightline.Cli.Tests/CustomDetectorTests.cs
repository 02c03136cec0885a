using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenCvSharp;
using Sightline.Access;
using Sightline.Detectors.Tests;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>Custom detectors and alert rules on the real server: registration, detection (native and AWS), signed webhooks with retries.</summary>
[Collection(CliCollection.Name)]
public sealed class CustomDetectorTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A black 160×80 PNG (the smallest side Rekognition accepts is 80): the tiny YOLOv8 model finds a gun at (60,30)–(100,50) at 90 and a knife at 70.</summary>
    public static byte[] Png()
    {
        using var image = new Mat(80, 160, MatType.CV_8UC3, OpenCvSharp.Scalar.All(0));
        return image.ImEncode(".png");
    }

    public static MultipartFormDataContent Registration(string id, byte[] model, string labels, string? layout = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(id), "id" },
            { new ByteArrayContent(model), "model", "model.onnx" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(labels)), "labels", "labels.txt" },
        };
        if (layout is not null)
            form.Add(new StringContent(layout), "layout");
        return form;
    }

    private static ByteArrayContent Image()
    {
        var content = new ByteArrayContent(Png());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static object Rule(string label, float min, string webhook, object? region = null) => new { label, minConfidence = min, webhook, region };

    [Fact]
    public async Task A_registered_detector_raises_signed_alerts_that_are_retried_after_a_500()
    {
        using var receiver = new WebhookReceiver(failFirst: 1);

        // Registration: administrators only, checked at the boundary.
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.SendAsync(HttpMethod.Post, "v1/detectors", "operator", Registration("weapons", TinyModels.YoloV8(true), "gun\nknife"))).Status);
        var (corrupt, problem) = await _server.SendAsync(HttpMethod.Post, "v1/detectors", "admin", Registration("broken", "not onnx"u8.ToArray(), "gun"));
        Assert.Equal(HttpStatusCode.BadRequest, corrupt);
        Assert.Contains("ONNX", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (mismatch, mismatchProblem) = await _server.SendAsync(HttpMethod.Post, "v1/detectors", "admin", Registration("weapons", TinyModels.YoloV8(true), "gun\nknife\nrifle"));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Contains("Class count", mismatchProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (created, detector) = await _server.SendAsync(HttpMethod.Post, "v1/detectors", "admin", Registration("weapons", TinyModels.YoloV8(true), "gun\nknife", "yolov8"));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("yolov8", detector.GetProperty("layout").GetString());
        var (_, listed) = await _server.SendAsync(HttpMethod.Get, "v1/detectors", "auditor");
        Assert.Equal("weapons", listed.GetProperty("detectors")[0].GetProperty("id").GetString());

        // Rules: malformed ones are refused; one matches, one wants more confidence, one watches another region.
        var (bad, badProblem) = await _server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(Rule("gun", 150, receiver.Url)));
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("minConfidence", badProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await _server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(Rule("gun", 50, "file:///etc/passwd")))).Status);
        var (ruleCreated, rule) = await _server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(Rule("gun", 80, receiver.Url)));
        Assert.Equal(HttpStatusCode.Created, ruleCreated);
        string ruleId = rule.GetProperty("id").GetString()!, secret = rule.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await _server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin", ServerProcess.Json(Rule("gun", 95, receiver.Url)))).Status);
        Assert.Equal(HttpStatusCode.Created, (await _server.SendAsync(HttpMethod.Post, "v1/alert-rules", "admin",
            ServerProcess.Json(Rule("gun", 10, receiver.Url, new { left = 0f, top = 0f, width = 0.3f, height = 0.3f })))).Status);
        var (_, rules) = await _server.SendAsync(HttpMethod.Get, "v1/alert-rules", "admin");
        Assert.Equal(3, rules.GetProperty("rules").GetArrayLength());
        Assert.DoesNotContain(secret, rules.ToString(), StringComparison.Ordinal);

        // Detection (any role that may detect): the gun at 90 centred mid-image matches only the first rule.
        var (detected, result) = await _server.SendAsync(HttpMethod.Post, "v1/detectors/weapons/detect", "analyst", Image());
        Assert.True(detected == HttpStatusCode.OK, result.ToString());
        var labels = result.GetProperty("customLabels");
        Assert.Equal(["gun", "knife"], labels.EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(0.375, labels[0].GetProperty("geometry").GetProperty("boundingBox").GetProperty("left").GetDouble(), 3);

        // The first POST gets a 500 and is retried; both carry the same body and a valid signature.
        Assert.True(await receiver.WaitForAsync(r => r.Received.Count >= 2, TimeSpan.FromSeconds(30)), $"the webhook received {receiver.Received.Count} request(s)");
        await Task.Delay(1500); // nothing else should arrive: the other two rules did not match
        var received = receiver.Received.ToArray();
        Assert.Equal([500, 200], received.Select(r => r.Status));
        foreach (var (body, signature, _) in received)
        {
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)), signature);
            using var json = JsonDocument.Parse(body);
            Assert.Equal((ruleId, "gun", "detector:weapons"), (json.RootElement.GetProperty("ruleId").GetString(), json.RootElement.GetProperty("label").GetString(), json.RootElement.GetProperty("source").GetString()));
        }

        var alert = await WaitForDeliveredAsync();
        Assert.Equal((ruleId, 2), (alert.GetProperty("ruleId").GetString(), alert.GetProperty("attempts").GetInt32()));

        // Removing needs an administrator; it is audited.
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.SendAsync(HttpMethod.Delete, "v1/detectors/weapons", "analyst")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _server.SendAsync(HttpMethod.Delete, $"v1/alert-rules/{ruleId}", "admin")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _server.SendAsync(HttpMethod.Delete, "v1/detectors/weapons", "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Post, "v1/detectors/weapons/detect", "analyst", Image())).Status);
        string trail = AuditedOperations();
        foreach (var op in new[] { "RegisterDetector", "CreateAlertRule", "RemoveAlertRule", "RemoveDetector" })
            Assert.Contains(op, trail, StringComparison.Ordinal);
    }

    private string AuditedOperations() =>
        TestDatabase.Scalar(_server.Data.Path, "SELECT group_concat(operation || ':' || role, ' ') FROM audit_log;",
            "SELECT string_agg(operation || ':' || role, ' ') FROM audit_log;") as string ?? "";

    private async Task<JsonElement> WaitForDeliveredAsync()
    {
        for (int i = 0; i < 50; i++)
        {
            var (_, alerts) = await _server.SendAsync(HttpMethod.Get, "v1/alerts", "auditor");
            var list = alerts.GetProperty("alerts");
            Assert.Equal(1, list.GetArrayLength());
            if (list[0].GetProperty("status").GetString() == "delivered")
                return list[0];
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException("the alert was not recorded as delivered");
    }

    [Fact]
    public async Task DetectCustomLabels_over_the_AWS_API_takes_an_ARN_MinConfidence_and_MaxResults()
    {
        Assert.Equal(HttpStatusCode.Created, (await _server.SendAsync(HttpMethod.Post, "v1/detectors", "admin", Registration("weapons", TinyModels.YoloV8(false), "gun\nknife"))).Status);
        const string arn = "arn:aws:rekognition:eu-west-1:123456789012:project/agency/version/weapons/1700000000000";
        var (status, body) = await CallAsync("DetectCustomLabels", new { ProjectVersionArn = arn, Image = new { Bytes = Png() }, MinConfidence = 60 }, "analyst");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var labels = body.GetProperty("CustomLabels");
        Assert.Equal(["gun", "knife"], labels.EnumerateArray().Select(l => l.GetProperty("Name").GetString()));
        Assert.Equal(90, labels[0].GetProperty("Confidence").GetDouble(), 1);
        var box = labels[0].GetProperty("Geometry").GetProperty("BoundingBox");
        Assert.Equal((0.375, 0.375, 0.25, 0.25), (box.GetProperty("Left").GetDouble(), box.GetProperty("Top").GetDouble(), box.GetProperty("Width").GetDouble(), box.GetProperty("Height").GetDouble()));
        Assert.Equal(4, labels[0].GetProperty("Geometry").GetProperty("Polygon").GetArrayLength());

        var (_, top) = await CallAsync("DetectCustomLabels", new { ProjectVersionArn = "weapons", Image = new { Bytes = Png() }, MinConfidence = 75, MaxResults = 5 }, "operator");
        Assert.Equal(1, top.GetProperty("CustomLabels").GetArrayLength());
        var (missing, error) = await CallAsync("DetectCustomLabels", new { ProjectVersionArn = "nosuch", Image = new { Bytes = Png() } }, "analyst");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("ResourceNotFoundException", error.GetProperty("__type").GetString());
        // A model larger than the 16 MiB request limit may still be registered (about 18 MB here).
        var big = TinyModels.Build(TinyModels.Input64, new FixedOutput("output0", [1, 6, 750_000], new float[6 * 750_000]));
        Assert.True(big.Length > 16 * 1024 * 1024);
        var (bigStatus, bigBody) = await _server.SendAsync(HttpMethod.Post, "v1/detectors", "admin", Registration("big", big, "gun\nknife"));
        Assert.True(bigStatus == HttpStatusCode.Created, bigBody.ToString());
        var (denied, deniedError) = await CallAsync("DetectCustomLabels", new { ProjectVersionArn = "weapons", Image = new { Bytes = Png() } }, "auditor");
        Assert.Equal(HttpStatusCode.BadRequest, denied);
        Assert.Equal("AccessDeniedException", deniedError.GetProperty("__type").GetString());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string operation, object body, string role)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.Address) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "RekognitionService." + operation);
        var headers = new Dictionary<string, string>
        {
            ["host"] = _server.Address.Authority,
            ["content-type"] = "application/x-amz-json-1.1",
            ["x-amz-target"] = "RekognitionService." + operation,
        };
        foreach (var (name, value) in SigV4.Sign(new SignableRequest("POST", "/", null, headers, bytes), _server.Keys[role].Id, _server.Keys[role].Secret, "eu-west-1", "rekognition", DateTimeOffset.UtcNow))
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await _server.Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
