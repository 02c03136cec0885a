using System.Net;
using System.Text;
using System.Text.Json;
using Sightline.Access;

namespace Sightline.Cli.Tests;

/// <summary>The real server on loopback, spoken to the way the AWS SDK speaks (JSON 1.1, X-Amz-Target).</summary>
[Collection(CliCollection.Name)]
public sealed class ServeTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    private HttpClient _http => _server.Http;

    private Uri _base => _server.Address;

    private TempDir _data => _server.Data;

    private IReadOnlyDictionary<string, (string Id, string Secret)> _keys => _server.Keys;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string operation, object body) => CallAsync(operation, body, "admin");

    private Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string operation, object body, string? role, DateTimeOffset? signedAt = null,
        IReadOnlyDictionary<string, string>? extraHeaders = null) => _server.CallAwsAsync(operation, body, role, signedAt, extraHeaders);

    [Fact]
    public async Task Requests_must_be_signed_fresh_by_a_key_whose_role_allows_the_operation()
    {
        var (s1, b1) = await CallAsync("ListCollections", new { }, role: null);
        Assert.Equal(HttpStatusCode.Forbidden, s1);
        Assert.Equal("MissingAuthenticationTokenException", b1.GetProperty("__type").GetString());

        var (s2, b2) = await CallAsync("ListCollections", new { }, "analyst", DateTimeOffset.UtcNow.AddMinutes(-20));
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Equal("InvalidSignatureException", b2.GetProperty("__type").GetString());
        Assert.Contains("expired", b2.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        var (s3, b3) = await CallAsync("CreateCollection", new { CollectionId = "denied" }, "analyst");
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.Equal("AccessDeniedException", b3.GetProperty("__type").GetString());
        var (s4, b4) = await CallAsync("DetectFaces", new { Image = new { Bytes = Image("sample1") } }, "auditor");
        Assert.Equal("AccessDeniedException", b4.GetProperty("__type").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, s4);

        var (s5, _) = await CallAsync("ListCollections", new { }, "auditor");
        Assert.Equal(HttpStatusCode.OK, s5);
        Assert.DoesNotContain("denied", (await CallAsync("ListCollections", new { })).Body.GetProperty("CollectionIds").EnumerateArray().Select(e => e.GetString()));

        var revoked = SightlineCli.Run("keys", "revoke", _keys["auditor"].Id, "--data", _data.Path);
        Assert.Equal(0, revoked.ExitCode);
        var (s6, b6) = await CallAsync("ListCollections", new { }, "auditor");
        Assert.Equal(HttpStatusCode.BadRequest, s6);
        Assert.Equal("UnrecognizedClientException", b6.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Every_search_and_change_lands_in_the_audit_chain_with_case_and_purpose()
    {
        await CallAsync("CreateCollection", new { CollectionId = "audited" });
        await CallAsync("IndexFaces", new { CollectionId = "audited", Image = new { Bytes = Image("sample1") } });
        var context = new Dictionary<string, string> { ["X-Sightline-Case"] = "2026-0417", ["X-Sightline-Purpose"] = "investigation" };
        var (s1, found) = await CallAsync("SearchFacesByImage", new { CollectionId = "audited", Image = new { Bytes = Image("sample1") }, FaceMatchThreshold = 99 }, "analyst", extraHeaders: context);
        Assert.Equal(HttpStatusCode.OK, s1);
        var (s2, _) = await CallAsync("SearchFacesByImage", new { CollectionId = "missing", Image = new { Bytes = Image("sample1") } }, "analyst", extraHeaders: context);
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        var (s3, _) = await CallAsync("SearchFacesByImage", new { CollectionId = "audited", Image = new { Bytes = Image("sample1") } }, "auditor", extraHeaders: context);
        Assert.Equal(HttpStatusCode.BadRequest, s3);

        var all = SightlineCli.Run("audit", "list", "--json", "--data", _data.Path).Json().EnumerateArray().ToList();
        Assert.Equal(5, all.Count(r => r.GetProperty("operation").GetString() == "cli keys create")); // the test keys, issued through the CLI
        var records = all.Where(r => !r.GetProperty("operation").GetString()!.StartsWith("cli ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["CreateCollection", "IndexFaces", "SearchFacesByImage", "SearchFacesByImage", "SearchFacesByImage"],
            records.Select(r => r.GetProperty("operation").GetString()));
        var search = records[2];
        Assert.Equal(("2026-0417", "investigation", "ok", 99f), (search.GetProperty("case").GetString(), search.GetProperty("purpose").GetString(),
            search.GetProperty("outcome").GetString(), search.GetProperty("threshold").GetSingle()));
        Assert.Equal(_keys["analyst"].Id, search.GetProperty("actor").GetString());
        string probe = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(SightlineCli.Fixture("sample1"))));
        Assert.Equal(probe, search.GetProperty("probe").GetString());
        var returned = found.GetProperty("FaceMatches").EnumerateArray().Select(m => m.GetProperty("Face").GetProperty("FaceId").GetString()).ToList();
        Assert.Equal(returned, search.GetProperty("details").EnumerateArray().Select(d => d.GetProperty("faceId").GetString()));
        Assert.Equal("ResourceNotFoundException", records[3].GetProperty("outcome").GetString());
        Assert.Equal(("AccessDeniedException", "auditor"), (records[4].GetProperty("outcome").GetString(), records[4].GetProperty("role").GetString()));
        Assert.Equal(3, records[1].GetProperty("details").GetArrayLength()); // the three FaceIds IndexFaces stored

        var verify = SightlineCli.Run("audit", "verify", "--data", _data.Path);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("intact: 10 record(s)", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_requests_by_operation_and_inference_by_model()
    {
        await CallAsync("DetectFaces", new { Image = new { Bytes = Image("sample1") } });
        string metrics = await _http.GetStringAsync(new Uri(_base, "metrics"));
        Assert.Contains("sightline_requests_total{api=\"aws\",operation=\"DetectFaces\",status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("sightline_request_duration_seconds_bucket{api=\"aws\",operation=\"DetectFaces\"", metrics, StringComparison.Ordinal);
        Assert.Contains("sightline_inference_seconds_total{model=\"ultraface-rfb320\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("sightline_requests_waiting", metrics, StringComparison.Ordinal);
    }

    private static string Image(string id) => Convert.ToBase64String(File.ReadAllBytes(SightlineCli.Fixture(id)));

    [Fact]
    public async Task DetectFaces_returns_rekognition_shape()
    {
        var (status, body) = await CallAsync("DetectFaces", new { Image = new { Bytes = Image("sample1") }, Attributes = new[] { "ALL" } });
        Assert.Equal(HttpStatusCode.OK, status);
        var faces = body.GetProperty("FaceDetails");
        Assert.Equal(3, faces.GetArrayLength());
        foreach (var face in faces.EnumerateArray())
        {
            Assert.InRange(face.GetProperty("BoundingBox").GetProperty("Width").GetSingle(), 0.01f, 1f);
            Assert.True(face.TryGetProperty("AgeRange", out _));
            Assert.Equal(7, face.GetProperty("Emotions").GetArrayLength());
        }
    }

    [Fact]
    public async Task CompareFaces_matches_a_face_with_itself()
    {
        string img = Image("sample4");
        var (status, body) = await CallAsync("CompareFaces", new { SourceImage = new { Bytes = img }, TargetImage = new { Bytes = img }, SimilarityThreshold = 90 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("FaceMatches")[0].GetProperty("Similarity").GetSingle() > 99);
        Assert.Equal(3, body.GetProperty("UnmatchedFaces").GetArrayLength());
    }

    [Theory]
    [InlineData("DetectFaces", "aGVsbG8gd29ybGQ=", "InvalidImageFormatException")]
    [InlineData("DetectFaces", "", "InvalidImageFormatException")]
    [InlineData("NoSuchOperation", "aGVsbG8=", "UnknownOperationException")]
    public async Task Errors_carry_the_rekognition_type(string operation, string bytes, string type)
    {
        var (status, body) = await CallAsync(operation, new { Image = new { Bytes = bytes } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(type, body.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Unknown_attribute_and_bad_threshold_are_invalid_parameters()
    {
        string img = Image("sample1");
        var (s1, b1) = await CallAsync("DetectFaces", new { Image = new { Bytes = img }, Attributes = new[] { "HAIR_COLOR" } });
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Equal("InvalidParameterException", b1.GetProperty("__type").GetString());
        var (s2, b2) = await CallAsync("CompareFaces", new { SourceImage = new { Bytes = img }, TargetImage = new { Bytes = img }, SimilarityThreshold = 101 });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Equal("InvalidParameterException", b2.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Collections_index_and_search_over_json_1_1()
    {
        var (s1, b1) = await CallAsync("CreateCollection", new { CollectionId = "api" });
        Assert.Equal(HttpStatusCode.OK, s1);
        Assert.Equal(200, b1.GetProperty("StatusCode").GetInt32());
        var (s2, b2) = await CallAsync("CreateCollection", new { CollectionId = "api" });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Equal("ResourceAlreadyExistsException", b2.GetProperty("__type").GetString());

        var (s3, b3) = await CallAsync("IndexFaces", new { CollectionId = "api", Image = new { Bytes = Image("sample1") }, ExternalImageId = "case-1", MaxFaces = 2 });
        Assert.Equal(HttpStatusCode.OK, s3);
        Assert.Equal(2, b3.GetProperty("FaceRecords").GetArrayLength());
        Assert.Equal("EXCEEDS_MAX_FACES", b3.GetProperty("UnindexedFaces")[0].GetProperty("Reasons")[0].GetString());

        var (s4, b4) = await CallAsync("SearchFacesByImage", new { CollectionId = "api", Image = new { Bytes = Image("sample1") }, FaceMatchThreshold = 99 });
        Assert.Equal(HttpStatusCode.OK, s4);
        Assert.Equal("case-1", b4.GetProperty("FaceMatches")[0].GetProperty("Face").GetProperty("ExternalImageId").GetString());

        var (s5, b5) = await CallAsync("DescribeCollection", new { CollectionId = "api" });
        Assert.Equal(HttpStatusCode.OK, s5);
        Assert.Equal(2, b5.GetProperty("FaceCount").GetInt32());

        var (s6, b6) = await CallAsync("SearchFacesByImage", new { CollectionId = "nope", Image = new { Bytes = Image("sample1") } });
        Assert.Equal(HttpStatusCode.BadRequest, s6);
        Assert.Equal("ResourceNotFoundException", b6.GetProperty("__type").GetString());

        var (s7, _) = await CallAsync("CreateUser", new { CollectionId = "api", UserId = "u1" });
        Assert.Equal(HttpStatusCode.OK, s7);
        var (s8, b8) = await CallAsync("CreateUser", new { CollectionId = "api", UserId = "u1" });
        Assert.Equal(HttpStatusCode.BadRequest, s8);
        Assert.Equal("ConflictException", b8.GetProperty("__type").GetString());
    }
}
