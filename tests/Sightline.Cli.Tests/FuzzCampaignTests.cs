using System.Text.Json;
using Sightline.Fuzzing;
using Sightline.Server;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>
/// The short seeded fuzzing campaign that runs with every test run: a real server on loopback, both APIs, a few
/// thousand hostile requests. The long campaign is the same command with more requests (docs/security.md).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class FuzzCampaignTests
{
    [Fact]
    public void A_short_seeded_campaign_gets_no_server_error_no_hang_and_leaves_the_server_alive()
    {
        using var data = new TempDir();
        // A seed per storage provider, so the two runs of the suite cover different requests; --data gives the
        // campaign this test's own database when the suite runs on PostgreSQL.
        string seed = TestDatabase.IsPostgres ? "2" : "1";
        var run = SightlineCli.RunWithin(TimeSpan.FromMinutes(8), "bench", "fuzz", "--requests", "3000", "--seed", seed, "--json", "--data", data.Path);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var report = run.Json();
        Assert.True(report.GetProperty("passed").GetBoolean());
        Assert.Equal(3000, report.GetProperty("requests").GetInt64());
        Assert.Equal(0, report.GetProperty("serverErrors").GetInt64());
        Assert.Equal((0, 0), (report.GetProperty("noAnswer").GetInt64(), report.GetProperty("slow").GetInt64()));
        Assert.True(report.GetProperty("aliveAtEnd").GetBoolean());
        Assert.Empty(report.GetProperty("stuckJobs").EnumerateArray());

        // Every operation of both APIs was reached, and answered with success at least once somewhere.
        var operations = report.GetProperty("operations").EnumerateArray().ToList();
        var aws = operations.Where(o => o.GetProperty("api").GetString() == "aws").Select(o => o.GetProperty("operation").GetString()!).ToHashSet();
        Assert.Empty(RekognitionEndpoint.Operations.Keys.Except(aws));
        Assert.Equal(report.GetProperty("nativeOperations").GetInt32(), operations.Count(o => o.GetProperty("api").GetString() == "native"));
        Assert.True(operations.Sum(o => o.GetProperty("ok").GetInt64()) > 300);

        // Each family of hostile input was sent.
        var mutations = report.GetProperty("byMutation").EnumerateObject().Select(p => p.Name).ToList();
        foreach (string family in new[] { "wrong-type", "deep-nesting", "truncated", "huge", "image-inflated-dimensions", "image-exif-thumbnail", "image-bomb", "multipart-", "zip-", "sigv4-", "bad-bearer" })
            Assert.Contains(mutations, m => m.StartsWith(family, StringComparison.Ordinal));
    }

    [Fact]
    public void A_case_is_a_function_of_the_seed_and_its_index_only()
    {
        using var openApi = JsonDocument.Parse("""
            {"paths":{"/v1/collections/{collectionId}":{"get":{}},"/v1/collections":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"collectionId":{"type":"string"}}}}}}}},
            "/v1/faces/detect":{"post":{"requestBody":{"content":{"image/jpeg":{},"multipart/form-data":{}}}}}}}
            """);
        var target = new FuzzTarget(new Uri("http://127.0.0.1:9/"), "AKID", "SECRET", ["c"], ["f"], ["u"], ["j"], "fuzz", ["o.mp4"]);
        var seeds = ImageSeeds.Create([SightlineCli.Fixture("sample1")]);
        var one = new FuzzCampaign(target, seeds, openApi);
        var other = new FuzzCampaign(target, seeds, openApi);
        // One in order, the other backwards: nothing a case draws depends on the cases made before it.
        var forward = Enumerable.Range(0, 400).Select(i => one.Case(7, i)).ToList();
        var backward = Enumerable.Range(0, 400).Reverse().Select(i => other.Case(7, i)).Reverse().ToList();
        for (int i = 0; i < forward.Count; i++)
        {
            var (a, b) = (forward[i], backward[i]);
            Assert.Equal((a.Api, a.Operation, a.Mutation, a.Method, a.Target), (b.Api, b.Operation, b.Mutation, b.Method, b.Target));
            Assert.Equal(a.Body, b.Body);
        }
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => one.Case(7, i).Mutation), Enumerable.Range(0, 50).Select(i => one.Case(8, i).Mutation));
    }
}
