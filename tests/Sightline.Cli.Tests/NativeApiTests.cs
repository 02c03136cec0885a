using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>The native REST API on a real server: bearer keys, raw and multipart uploads, problem details, OpenAPI.</summary>
[Collection(CliCollection.Name)]
public sealed class NativeApiTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<Reply> SendAsync(HttpMethod method, string path, HttpContent? content = null, string role = "admin") => _server.SendAsync(method, path, role, content);

    private static StringContent Json(object value) => ServerProcess.Json(value);

    private static ByteArrayContent Jpeg(string fixture) => ServerProcess.Jpeg(fixture);

    private static MultipartFormDataContent Form(params (string Part, string Fixture)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (part, fixture) in parts)
            form.Add(Jpeg(fixture), part, fixture + ".jpg");
        return form;
    }

    [Fact]
    public async Task Collections_faces_and_searches_work_with_raw_and_multipart_uploads()
    {
        var (created, body, _) = await SendAsync(HttpMethod.Post, "v1/collections", Json(new { collectionId = "native" }));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("mobilefacenet-512", body.GetProperty("faceModelVersion").GetString());

        var (indexed, faces, _) = await SendAsync(HttpMethod.Post, "v1/collections/native/faces?externalImageId=photo-4", Jpeg("sample4"), "operator");
        Assert.Equal(HttpStatusCode.OK, indexed);
        int count = faces.GetProperty("faceRecords").GetArrayLength();
        Assert.True(count >= 3);

        var (searched, matches, _) = await SendAsync(HttpMethod.Post, "v1/collections/native/searches?faceMatchThreshold=99", Form(("image", "sample4")), "analyst");
        Assert.Equal(HttpStatusCode.OK, searched);
        var best = matches.GetProperty("faceMatches")[0];
        Assert.True(best.GetProperty("similarity").GetSingle() > 99);
        Assert.Equal("photo-4", best.GetProperty("face").GetProperty("externalImageId").GetString());

        var (described, collection, _) = await SendAsync(HttpMethod.Get, "v1/collections/native", role: "auditor");
        Assert.Equal(HttpStatusCode.OK, described);
        Assert.Equal(count, collection.GetProperty("faceCount").GetInt32());

        string faceId = faces.GetProperty("faceRecords")[0].GetProperty("face").GetProperty("faceId").GetString()!;
        var (deleted, _, _) = await SendAsync(HttpMethod.Delete, $"v1/collections/native/faces/{faceId}");
        Assert.Equal(HttpStatusCode.OK, deleted);
        var (_, after, _) = await SendAsync(HttpMethod.Get, "v1/collections/native");
        Assert.Equal(count - 1, after.GetProperty("faceCount").GetInt32());

        var (compared, comparison, _) = await SendAsync(HttpMethod.Post, "v1/faces/compare", Form(("source", "sample4"), ("target", "sample4")));
        Assert.Equal(HttpStatusCode.OK, compared);
        Assert.True(comparison.GetProperty("faceMatches")[0].GetProperty("similarity").GetSingle() > 99);
    }

    [Fact]
    public async Task Mistakes_get_problem_details_naming_the_problem()
    {
        var (s1, p1, t1) = await SendAsync(HttpMethod.Get, "v1/collections", role: "");
        Assert.Equal((HttpStatusCode.Unauthorized, "application/problem+json"), (s1, t1));
        Assert.Equal("MissingAuthenticationTokenException", p1.GetProperty("errorType").GetString());

        var (s2, p2, _) = await SendAsync(HttpMethod.Post, "v1/collections", Json(new { collectionId = "x" }), "analyst");
        Assert.Equal(HttpStatusCode.Forbidden, s2);
        Assert.Contains("analyst", p2.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (s3, p3, _) = await SendAsync(HttpMethod.Get, "v1/collections/none");
        Assert.Equal(HttpStatusCode.NotFound, s3);
        Assert.Equal(404, p3.GetProperty("status").GetInt32());

        var (s4, p4, _) = await SendAsync(HttpMethod.Post, "v1/collections/none/searches?maxFaces=lots", Jpeg("sample1"));
        Assert.Equal(HttpStatusCode.BadRequest, s4);
        Assert.Contains("maxFaces", p4.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var junk = new ByteArrayContent(Encoding.UTF8.GetBytes("not an image at all"));
        junk.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var (s5, p5, _) = await SendAsync(HttpMethod.Post, "v1/faces/detect", junk);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, s5);
        Assert.Equal("InvalidImageFormatException", p5.GetProperty("errorType").GetString());

        var (s6, _, t6) = await SendAsync(HttpMethod.Post, "v1/collections", new StringContent("{\"collectionId\":", Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (s6, t6));

        var (s7, _, _) = await SendAsync(HttpMethod.Post, "v1/collections", Json(new { collectionId = "dup" }));
        var (s8, p8, _) = await SendAsync(HttpMethod.Post, "v1/collections", Json(new { collectionId = "dup" }));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Conflict), (s7, s8));
        Assert.Equal("ResourceAlreadyExistsException", p8.GetProperty("errorType").GetString());

        var (s9, _, t9) = await SendAsync(HttpMethod.Post, "v1/faces/detect", new StringContent("hello", Encoding.UTF8, "text/plain"));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "application/problem+json"), (s9, t9));
    }

    [Theory]
    [InlineData("--b\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n--b--\r\n", "Content-Disposition")] // a part without its disposition
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\nxx", "end of")] // no closing boundary
    public async Task A_malformed_multipart_body_is_a_problem_naming_it_not_a_server_error(string body, string named)
    {
        foreach (string path in new[] { "v1/faces/detect", "v1/faces/compare", "v1/detectors" })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
            var (status, problem, type) = await SendAsync(HttpMethod.Post, path, content);
            Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (status, type));
            Assert.Contains("multipart", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_refusal_quotes_at_most_a_bounded_part_of_a_huge_value()
    {
        // A megabyte of characters that JSON escapes six times over: the answer must not grow with it.
        var (status, problem, _) = await SendAsync(HttpMethod.Post, "v1/collections", Json(new { collectionId = new string('\u0001', 1_000_000) }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.InRange(detail.Length, 1, 1100);
        Assert.Contains("more characters", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_and_browser_are_served()
    {
        string document = await _server.Http.GetStringAsync(new Uri(_server.Address, "openapi/v1.json"));
        var paths = JsonDocument.Parse(document).RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/collections/{collectionId}/searches", out var search));
        Assert.True(search.GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.True(paths.TryGetProperty("/v1/faces/detect", out _));
        Assert.False(paths.TryGetProperty("/", out _));
        var docs = await _server.Http.GetAsync(new Uri(_server.Address, "docs/"));
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("html", docs.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        // The page calls nothing outside the server: no AI agent, MCP, telemetry, vendor fonts or client/deploy buttons.
        string page = await docs.Content.ReadAsStringAsync();
        foreach (string setting in new[] { "\"agent\":{\"disabled\":true}", "\"mcp\":{\"disabled\":true}", "\"telemetry\":false", "\"withDefaultFonts\":false",
            "\"hideClientButton\":true", "\"showDeveloperTools\":\"never\"" })
            Assert.Contains(setting, page, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"https?://", page);
    }
}
