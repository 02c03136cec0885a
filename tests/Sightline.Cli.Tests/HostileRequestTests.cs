using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Sightline.Server;
using Xunit.Abstractions;

namespace Sightline.Cli.Tests;

/// <summary>
/// Hostile but correctly authenticated requests against the real server: no input is a 5xx; wrong JSON types are
/// SerializationException naming the field; every refused identification request is in the audit chain with its
/// outcome and only finite values; the audit export and verification work afterwards.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class HostileRequestTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> s_identifying = ["SearchFaces", "SearchFacesByImage", "SearchUsers", "SearchUsersByImage", "StartFaceSearch"];

    [Fact]
    public async Task Hostile_AWS_bodies_are_4xx_typed_and_every_refused_search_is_audited()
    {
        await using var server = await ServerProcess.StartAsync();
        await server.LiftRateLimitsAsync();
        var clock = Stopwatch.StartNew();
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int sent = 0, refusedSearches = 0;
        var damaged = HostileRequests.DamagedImages(File.ReadAllBytes(SightlineCli.Fixture("sample1")));
        foreach (string operation in RekognitionEndpoint.Operations.Keys)
        {
            var cases = HostileRequests.For(operation).ToList();
            if (operation is "DetectFaces" or "IndexFaces" or "SearchFacesByImage" or "SearchUsersByImage")
                cases.AddRange(damaged.Select(body => new HostileCase(operation, body, HostileExpectation.Refused, null)));
            foreach (var c in cases)
            {
                var (status, text) = await server.SendAwsAsync(operation, Encoding.UTF8.GetBytes(c.Body));
                sent++;
                string where = $"{operation} {c.Body[..Math.Min(c.Body.Length, 120)]} → {(int)status} {text}";
                Assert.True((int)status < 500, where);
                var error = JsonDocument.Parse(text).RootElement;
                string? type = status == HttpStatusCode.OK ? "ok" : error.GetProperty("__type").GetString();
                statuses[$"{(int)status} {type}"] = statuses.GetValueOrDefault($"{(int)status} {type}") + 1;
                if (c.Expect != HostileExpectation.Refused)
                    Assert.True(status == HttpStatusCode.BadRequest && type == "SerializationException", where);
                if (c.Path is { } path)
                    Assert.Contains(path, error.GetProperty("message").GetString(), StringComparison.Ordinal);
                if (s_identifying.Contains(operation) && status != HttpStatusCode.OK)
                    refusedSearches++;
            }
        }
        output.WriteLine($"{sent} hostile AWS requests in {clock.Elapsed.TotalSeconds:F1} s; {refusedSearches} refused identification requests");
        foreach (var (status, count) in statuses)
            output.WriteLine($"  {status}: {count}");
        Assert.InRange(sent, 300, 4000); // every field of every operation's shape, mutated
        AssertAuditHolds(server.Data.Path, refusedSearches);
    }

    [Fact]
    public async Task Hostile_native_search_thresholds_and_bodies_are_problems_and_audited()
    {
        await using var server = await ServerProcess.StartAsync();
        await server.LiftRateLimitsAsync();
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/collections", "admin", ServerProcess.Json(new { collectionId = "hostile" }))).Status);
        var indexed = await server.SendAsync(HttpMethod.Post, "v1/collections/hostile/faces", "admin", ServerProcess.Jpeg("sample1"));
        string faceId = indexed.Body.GetProperty("faceRecords")[0].GetProperty("face").GetProperty("faceId").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "v1/collections/hostile/users", "admin", ServerProcess.Json(new { userId = "u1" }))).Status);

        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int refused = 0;
        async Task<Reply> Expect(HttpMethod method, string path, Func<HttpContent?> content, params string[] types)
        {
            var reply = await server.SendAsync(method, path, "admin", content());
            string type = reply.Body.ValueKind == JsonValueKind.Object && reply.Body.TryGetProperty("errorType", out var t) ? t.GetString()! : "-";
            statuses[$"{(int)reply.Status} {type}"] = statuses.GetValueOrDefault($"{(int)reply.Status} {type}") + 1;
            Assert.True(reply.Status == HttpStatusCode.BadRequest && reply.ContentType == "application/problem+json" && types.Contains(type), $"{path} → {(int)reply.Status} {reply.Text}");
            refused++;
            return reply;
        }

        foreach (string threshold in new[] { "abc", "Infinity", "-Infinity", "NaN", "1e39", "-1e39", "101", "-1", "", "0x10" })
        {
            string face = "faceMatchThreshold=" + Uri.EscapeDataString(threshold), user = "userMatchThreshold=" + Uri.EscapeDataString(threshold);
            await Expect(HttpMethod.Post, $"v1/collections/hostile/searches?{face}", () => ServerProcess.Jpeg("sample1"), "InvalidParameterException");
            await Expect(HttpMethod.Post, $"v1/collections/hostile/faces/{faceId}/searches?{face}", () => null, "InvalidParameterException");
            await Expect(HttpMethod.Post, $"v1/collections/hostile/users/searches?{user}", () => ServerProcess.Jpeg("sample1"), "InvalidParameterException");
            await Expect(HttpMethod.Post, "v1/collections/hostile/users/u1/searches?" + user, () => null, "InvalidParameterException");
        }
        var wrongType = await Expect(HttpMethod.Post, "v1/jobs/face-search", () => ServerProcess.Json(new { faceMatchThreshold = "ninety-nine" }), "SerializationException");
        Assert.Contains("$.faceMatchThreshold", wrongType.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        string deep = new string('[', 100) + new string(']', 100);
        foreach (string body in new[]
        {
            "{\"faceMatchThreshold\":\"abc\"}", "{\"faceMatchThreshold\":\"99\"}", "{\"faceMatchThreshold\":1e39}", "{\"faceMatchThreshold\":-1e39}",
            "{\"faceMatchThreshold\":NaN}", "{\"video\":\"x\"}", "{\"video\":{\"bucket\":5}}", "{\"collectionId\":[]}", "[]", "\"x\"", "{", "{\"x\":" + deep + "}",
        })
        {
            await Expect(HttpMethod.Post, "v1/jobs/face-search", () => new StringContent(body, Encoding.UTF8, "application/json"), "SerializationException", "InvalidParameterException");
        }
        output.WriteLine($"{refused} hostile native identification requests");
        foreach (var (status, count) in statuses)
            output.WriteLine($"  {status}: {count}");
        AssertAuditHolds(server.Data.Path, refused);
    }

    /// <summary>
    /// The export holds every record; refused identification requests are all there with their error type; every
    /// threshold is a finite percentage; the chain verifies.
    /// </summary>
    private static void AssertAuditHolds(string data, int refusedSearches)
    {
        var list = SightlineCli.Run("audit", "list", "--json", "--limit", "100000", "--data", data);
        Assert.True(list.ExitCode == 0, list.ToString());
        var records = list.Json().EnumerateArray().ToList();
        Assert.Equal(records.Count, records.Select(r => r.GetProperty("seq").GetInt64()).Distinct().Count());
        var refused = records.Where(r => s_identifying.Contains(r.GetProperty("operation").GetString()!)
            && r.GetProperty("outcome").GetString() is not ("ok" or "ok:no-case")).ToList();
        Assert.Equal(refusedSearches, refused.Count);
        Assert.All(refused, r => Assert.EndsWith("Exception", r.GetProperty("outcome").GetString(), StringComparison.Ordinal));
        foreach (var record in records)
        {
            if (!record.TryGetProperty("threshold", out var threshold))
                continue;
            Assert.Equal(JsonValueKind.Number, threshold.ValueKind);
            Assert.InRange(threshold.GetDouble(), 0, 100);
        }
        var verify = SightlineCli.Run("audit", "verify", "--data", data);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}
